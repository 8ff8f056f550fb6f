import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { out, warn } from '../terminal.ts';
import { changeProgress, fileStamp, recordReset } from '../progress/progress.ts';
import { exerciseDir, exerciseFiles, findExercise, loadTrack, type ExerciseFile } from '../track.ts';
import { shownPath, STATE_DIR } from '../paths.ts';

/**
 * Puts the exercise's file (and its assets) back as the kit shipped them, from starters/: the same
 * whatever the learner has edited or committed, with or without git. Every changed file is backed up first.
 */
export async function resetCommand(number: number): Promise<number> {
  const track = loadTrack();
  const exercise = findExercise(number, track);
  const stamp = `${exerciseDir(exercise)}-${fileStamp(new Date())}`;
  const restored: { file: ExerciseFile; backup?: string }[] = [];
  for (const file of exerciseFiles(exercise)) {
    const starter = await readStarter(file);
    const current = await fs.readFile(file.working, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (current === starter) continue;
    // The exercise's file keeps the backup name it always had; an asset adds its own name.
    const backupName = file.name === exercise.file ? `${stamp}${path.extname(file.name)}` : `${stamp}-${file.name}`;
    const backup = current === undefined ? undefined : await backUp(file.working, backupName);
    const temporary = `${file.working}.${process.pid}.tmp`;
    await fs.mkdir(path.dirname(file.working), { recursive: true });
    await fs.writeFile(temporary, starter);
    await fs.rename(temporary, file.working);
    restored.push({ file, backup });
  }
  if (restored.length === 0) {
    const files = exerciseFiles(exercise).map((file) => shownPath(file.working));
    console.log(`${files.join(', ')} ${files.length === 1 ? 'is' : 'are'} already the starter of exercise ${exercise.number}; nothing to reset.`);
    return ExitCode.Pass;
  }

  await changeProgress(STATE_DIR, track, warn, (progress) => recordReset(progress, exercise));
  for (const { file, backup } of restored) {
    console.log(`${out.green('Restored')} ${shownPath(file.working)} to the starter of exercise ${exercise.number} · ${exercise.title}.`);
    if (backup) console.log(`Your version is saved as ${out.bold(shownPath(backup))}; copy pieces back from it whenever you like.`);
  }
  console.log(`Grade it with ${out.bold(`npm run exercise ${exercise.number}`)}.`);
  return ExitCode.Pass;
}

async function readStarter(file: ExerciseFile): Promise<string> {
  try {
    return await fs.readFile(file.starter, 'utf8');
  } catch (error) {
    throw new EnvironmentError(
      `The kit's copy of ${shownPath(file.starter)} is missing`,
      `reset restores ${shownPath(file.working)} from ${shownPath(file.starter)}, which could not be read (${(error as NodeJS.ErrnoException).code}).`,
      `Bring the kit's files back (\`git checkout -- starters\`, or download the kit again); your own file is left as it is.`,
    );
  }
}

/** Copies the learner's file into .northpole/backups/, never over an earlier backup. */
async function backUp(file: string, name: string): Promise<string> {
  const dir = path.join(STATE_DIR, 'backups');
  await fs.mkdir(dir, { recursive: true });
  const extension = path.extname(name);
  for (let attempt = 1; ; attempt += 1) {
    const backup = path.join(dir, attempt === 1 ? name : `${name.slice(0, name.length - extension.length)}-${attempt}${extension}`);
    try {
      await fs.copyFile(file, backup, constants.COPYFILE_EXCL);
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
