import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { STATE_DIR } from '../stateDir.ts';
import { out } from '../grading/report.ts';
import { PROJECT_ROOT } from '../localstack/settings.ts';
import { fileStamp } from '../progress/progress.ts';
import { exerciseDir, exerciseFiles, findExercise, loadTrack } from '../track.ts';
import { shown } from './exercise.ts';

const run = promisify(execFile);

export async function resetCommand(number: number): Promise<number> {
  const exercise = findExercise(number, loadTrack());
  // The exercise's file and its assets (e.g. a state machine definition) are reset together.
  const targets = exerciseFiles(exercise, 'exercises');
  const starters = await Promise.all(targets.map((target) => starterFromGit(target)));
  const stamp = `${exerciseDir(exercise)}-${fileStamp(new Date())}`;
  let restored = 0;
  for (const [index, target] of targets.entries()) {
    const starter = starters[index];
    const current = await fs.readFile(target, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (current === starter) continue;

    const backup = current === undefined ? undefined : await backUp(target, index === 0 ? stamp : `${stamp}-${path.basename(target, path.extname(target))}`);
    const temporary = `${target}.${process.pid}.tmp`;
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(temporary, starter);
    await fs.rename(temporary, target);
    restored += 1;
    console.log(`${out.green('Restored')} ${shown(target)} to the starter of exercise ${exercise.number} · ${exercise.title} (from git HEAD).`);
    if (backup) console.log(`Your version is saved as ${out.bold(shown(backup))}; copy pieces back from it whenever you like.`);
  }
  if (restored === 0) {
    console.log(`${targets.map(shown).join(' and ')} ${targets.length > 1 ? 'are' : 'is'} already the starter of exercise ${exercise.number}; nothing to reset.`);
    return ExitCode.Pass;
  }
  console.log(`Grade it with ${out.bold(`npm run exercise ${exercise.number}`)}.`);
  return ExitCode.Pass;
}

/** Copies the learner's file into .northpole/backups/, never over an earlier backup. */
async function backUp(file: string, name: string): Promise<string> {
  const dir = path.join(STATE_DIR, 'backups');
  await fs.mkdir(dir, { recursive: true });
  for (let attempt = 1; ; attempt += 1) {
    const backup = path.join(dir, `${name}${attempt > 1 ? `-${attempt}` : ''}${path.extname(file)}`);
    try {
      await fs.copyFile(file, backup, constants.COPYFILE_EXCL);
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * The pristine starter is the one in git's HEAD. Learners get the kit with `git clone`, so HEAD holds
 * exactly the starter they began with, and the repository keeps one starter per step (the one
 * `npm run verify` proves fails) rather than a second copy that could drift from it. A learner who
 * committed their own work gets that commit back, as `git checkout` would; a copy without git (a zip
 * download) is told where to fetch the file instead.
 */
async function starterFromGit(file: string): Promise<string> {
  const inRepository = path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
  const byHand = `copy ${inRepository} from the kit's repository by hand (your own file is left as it is).`;
  try {
    const { stdout } = await run('git', ['show', `HEAD:./${inRepository}`], { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { code, stderr = '' } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') {
      throw new EnvironmentError('git is not installed', 'reset takes the starter from git, the way the kit is handed out.', `Install git, or ${byHand}`);
    }
    if (/not a git repository/i.test(stderr)) {
      throw new EnvironmentError('This copy of the kit is not a git clone', `reset takes the starter from git, and ${PROJECT_ROOT} has no git history.`, `Clone the kit with git, or ${byHand}`);
    }
    if (/exists on disk, but not in|does not exist in|bad revision|unknown revision|invalid object name/i.test(stderr)) {
      throw new EnvironmentError(`git's HEAD has no ${inRepository}`, stderr.trim(), `Check out a commit of the kit that has exercise files (\`git log\`), or ${byHand}`);
    }
    throw new EnvironmentError('git could not read the starter', stderr.trim() || (error as Error).message, `Run \`git status\` in ${PROJECT_ROOT} to see what git says, or ${byHand}`);
  }
}
