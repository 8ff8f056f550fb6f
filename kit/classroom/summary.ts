import fs from 'node:fs/promises';
import path from 'node:path';
import { ExitCode } from '../exitCode.ts';
import { resultsFile, type ResultsJson } from '../grading/results.ts';
import { findExercise, loadTrack, type Track } from '../track.ts';
import { STATE_DIR } from '../paths.ts';

/**
 * `npm run classroom-summary`: the results.json of every step as one Markdown table, for the job
 * summary of a classroom repository's workflow (and for anyone who wants their grades in a page).
 * `--step N`: that step's row alone, exit 0 when it passes and 1 when not: the points of one step
 * for GitHub Classroom's autograding.
 */
export async function classroomSummaryCommand(options: { dir?: string; step?: number }): Promise<number> {
  const stateDir = options.dir ? path.resolve(process.env.INIT_CWD ?? process.cwd(), options.dir) : STATE_DIR;
  const track = loadTrack();
  const results = new Map<number, ResultsJson | string>();
  for (const exercise of track.exercises) {
    const file = resultsFile(stateDir, exercise);
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      results.set(exercise.number, JSON.parse(text) as ResultsJson);
    } catch (error) {
      results.set(exercise.number, `unreadable ${path.basename(file)}: ${(error as Error).message}`);
    }
  }
  const table = classroomSummary(track, results);
  if (options.step === undefined) {
    console.log(table);
    return ExitCode.Pass;
  }
  const step = findExercise(options.step, track);
  console.log(table.split('\n').find((line) => line.startsWith(`| ${step.number} | `)));
  return (results.get(step.number) as ResultsJson | undefined)?.status === 'pass' ? ExitCode.Pass : ExitCode.Fail;
}

const cellText = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/[|<>]/g, (character) => `\\${character}`)
    .slice(0, 200);

export function classroomSummary(track: Track, results: Map<number, ResultsJson | string>): string {
  const passed = track.exercises.filter((exercise) => (results.get(exercise.number) as ResultsJson | undefined)?.status === 'pass').length;
  const lines = [
    `## North Pole Orders: ${passed} of ${track.exercises.length} steps pass`,
    '',
    '| # | Exercise | Result | Tasks passed | First failure |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const exercise of track.exercises) {
    const verdict = results.get(exercise.number);
    const name = `${exercise.number} | ${cellText(exercise.title)}`;
    if (verdict === undefined) {
      lines.push(`| ${name} | · not graded | | |`);
      continue;
    }
    if (typeof verdict === 'string') {
      lines.push(`| ${name} | ! error | | ${cellText(verdict)} |`);
      continue;
    }
    const tasks = `${verdict.tests.filter((test) => test.status === 'pass').length}/${exercise.tasks.length}`;
    const failing = verdict.tests.find((test) => test.status === 'fail');
    const failure = failing ? `${failing.name}: ${failing.message?.split('\n')[0] ?? ''}` : (verdict.message ?? '');
    const label = verdict.status === 'pass' ? '✓ pass' : verdict.status === 'fail' ? '✗ fail' : '! error';
    lines.push(`| ${name} | ${label} | ${tasks} | ${cellText(failure)} |`);
  }
  return lines.join('\n');
}
