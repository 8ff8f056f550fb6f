import path from 'node:path';
import pc from 'picocolors';
import { ExitCode } from '../exitCode.ts';
import { gradeExercise, STATE_DIR } from '../grading/gradeExercise.ts';
import { formatGrade } from '../grading/report.ts';
import { readResults, toResultsJson, writeResults } from '../grading/results.ts';
import { exercisePaths, findExercise, loadTrack } from '../track.ts';

export async function exerciseCommand(number: number | undefined, options: { solution?: boolean; file?: string; json?: boolean }): Promise<number> {
  const track = loadTrack();
  const chosen = number ?? (await nextUnfinished());
  if (chosen === undefined) {
    console.log(track.final);
    return ExitCode.Pass;
  }
  const exercise = findExercise(chosen, track);
  const file = options.file ? path.resolve(options.file) : options.solution ? exercisePaths(exercise).solution : undefined;
  const say = (line: string) => console.error(pc.dim(line));
  if (!options.json) say(`Grading exercise ${exercise.number} · ${exercise.title} against LocalStack…`);

  const result = await gradeExercise(exercise.number, { file, say });
  const results = toResultsJson(result);
  // The learner's progress is their own file's verdict; grading the solution or another file does not count.
  if (!file) await writeResults(STATE_DIR, results);
  console.log(options.json ? JSON.stringify(results, null, 2) : formatGrade(result, track));
  return result.status === 'pass' ? ExitCode.Pass : ExitCode.Fail;
}

async function nextUnfinished(): Promise<number | undefined> {
  for (const exercise of loadTrack().exercises) {
    if ((await readResults(STATE_DIR, exercise))?.status !== 'pass') return exercise.number;
  }
  return undefined;
}
