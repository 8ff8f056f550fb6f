import fs from 'node:fs/promises';
import { ExitCode } from '../exitCode.ts';
import { out, warn } from '../terminal.ts';
import { changeProgress, loadProgress, recordSolutionShown, statusOf } from '../progress/progress.ts';
import { exerciseFiles, findExercise, loadTrack, type Exercise } from '../track.ts';
import { shownPath, STATE_DIR } from '../paths.ts';

export async function solutionCommand(number: number, options: { yes?: boolean }): Promise<number> {
  const track = loadTrack();
  const exercise = findExercise(number, track);
  // A step reset after its pass was passed: its solution is no secret any more.
  const passed = ['done', 'reset'].includes(statusOf(await loadProgress(STATE_DIR, track, warn), exercise));
  if (!passed && !options.yes) {
    // A prompt needs someone to answer it; a script or a pipe gets a refusal it can see, not a hang.
    if (!process.stdin.isTTY) {
      console.error(
        `Exercise ${exercise.number} does not pass yet, so its reference solution stays hidden.\n` +
          `Try \`npm run hint ${exercise.number}\` first; to see the solution anyway: npm run solution ${exercise.number} -- --yes`,
      );
      return ExitCode.Fail;
    }
    if (!(await askFirst(exercise))) {
      console.log(`Kept hidden. \`npm run hint ${exercise.number}\` gives a smaller nudge.`);
      return ExitCode.Fail;
    }
  }

  const files = exerciseFiles(exercise);
  const sources = await Promise.all(files.map((file) => fs.readFile(file.solution, 'utf8')));
  await changeProgress(STATE_DIR, track, warn, (progress) => recordSolutionShown(progress, exercise));
  files.forEach((file, index) => {
    if (index > 0) console.log('');
    console.log(out.bold(`Reference solution of exercise ${exercise.number} · ${exercise.title}: ${shownPath(file.solution)}`));
    console.log(out.dim(`Compare it with yours: git diff --no-index ${shownPath(file.working)} ${shownPath(file.solution)}`));
    console.log('');
    console.log(sources[index]!.trimEnd());
  });
  return ExitCode.Pass;
}

async function askFirst(exercise: Exercise): Promise<boolean> {
  const { default: confirm } = await import('@inquirer/confirm');
  try {
    return await confirm({ message: `Exercise ${exercise.number} does not pass yet. Show the reference solution anyway?`, default: false });
  } catch (error) {
    // Ctrl-C at the prompt is a no.
    if ((error as Error).name === 'ExitPromptError') return false;
    throw error;
  }
}
