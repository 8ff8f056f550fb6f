import { ExitCode } from '../exitCode.ts';
import { out, warn } from '../terminal.ts';
import { readResults } from '../grading/results.ts';
import { chooseHint, hintsShown } from '../progress/hints.ts';
import { changeProgress, loadProgress, nextUnfinished, recordHint, type ExerciseProgress } from '../progress/progress.ts';
import { findExercise, loadTrack, type Exercise, type Track } from '../track.ts';
import { STATE_DIR } from '../paths.ts';

export async function hintCommand(number: number | undefined, options: { all?: boolean }): Promise<number> {
  const track = loadTrack();
  const progress = await loadProgress(STATE_DIR, track, warn);
  const exercise = number === undefined ? nextUnfinished(track, progress) : findExercise(number, track);
  if (!exercise) {
    console.log(`Every exercise passes; name one to see its hints, e.g. \`npm run hint 1\`.`);
    return ExitCode.Pass;
  }
  console.log(options.all ? formatHintsSoFar(exercise, progress.exercises[exercise.number]) : await giveHint(exercise, track));
  return ExitCode.Pass;
}

/** Shows the next hint of a step and remembers it; `npm run hint` and the h key of watch mode (`key`: say "press h"). */
export async function giveHint(exercise: Exercise, track: Track, options: { key?: boolean } = {}): Promise<string> {
  const before = await loadProgress(STATE_DIR, track, warn);
  const choice = chooseHint(exercise, before.exercises[exercise.number], await readResults(STATE_DIR, exercise));
  const another = options.key ? out.bold('press h') : out.bold(`npm run hint ${exercise.number}`);
  const more = `All hints so far: ${out.bold(`npm run hint ${exercise.number} -- --all`)}`;
  if (choice.kind === 'passed') {
    return `Exercise ${exercise.number} passes: no hint needed, and none counted.\n${more}\nThe reference solution, to compare: ${out.bold(`npm run solution ${exercise.number}`)}`;
  }
  if (choice.kind === 'none') {
    return `You have seen every hint of exercise ${exercise.number}.\n${more}\nThe reference solution: ${out.bold(`npm run solution ${exercise.number}`)}`;
  }
  const { task } = choice;
  if (choice.kind === 'exhausted') {
    return [
      `You have seen all ${task.hints.length} hints for Task ${task.id}: ${task.title}. The last one:`,
      indent(task.hints.at(-1)!),
      more,
      `Still stuck? Re-read the task in the instructions, or see the reference solution: ${out.bold(`npm run solution ${exercise.number}`)}`,
    ].join('\n');
  }
  await changeProgress(STATE_DIR, track, warn, (progress) => recordHint(progress, exercise, task.id));
  const left = task.hints.length - choice.index - 1;
  return [
    out.bold(`Exercise ${exercise.number} · Task ${task.id}: ${task.title} · hint ${choice.index + 1} of ${task.hints.length}`),
    indent(task.hints[choice.index]!),
    left > 0 ? `Another one: ${another} (${left} left for this task)` : `That was the last hint for Task ${task.id}.`,
  ].join('\n');
}

function formatHintsSoFar(exercise: Exercise, entry: ExerciseProgress | undefined): string {
  const shown = hintsShown(exercise, entry);
  if (shown.length === 0) return `No hints shown yet for exercise ${exercise.number}; \`npm run hint ${exercise.number}\` gives the first.`;
  const lines = [out.bold(`Hints shown so far for exercise ${exercise.number} · ${exercise.title}`)];
  for (const { task, hints } of shown) {
    lines.push('', `Task ${task.id}: ${task.title} (${hints.length} of ${task.hints.length})`);
    hints.forEach((hint, index) => lines.push(indent(`${index + 1}. ${hint}`)));
  }
  return lines.join('\n');
}

const indent = (text: string) => `  ${text}`;
