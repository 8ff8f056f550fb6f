import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { exerciseDir } from '../track.ts';
import { formatPath } from './checks/orderPath.ts';
import type { GradeResult } from './gradeExercise.ts';
import type { TaskResult } from './verdicts.ts';

/**
 * The machine-readable verdict, as Exercism's test-runner interface says (results.json, version 3), so
 * that tools reading Exercism's format read it as written: `status` pass, fail or error; `message` only
 * with error, saying why no check could run; `tests` one per task, in the order of the exercise's tasks.
 * The kit's own fields sit beside Exercism's under names of their own (docs/architecture.md, "results.json").
 */
export interface ResultsJson {
  version: 3;
  status: 'pass' | 'fail' | 'error';
  message?: string;
  tests: ResultsTest[];
  exercise: { number: number; slug: string };
  file?: string;
  namespace?: string;
  localstack?: { mode: string; endpoint: string; version: string };
  finishedAt: string;
  timings?: GradeResult['timings'];
  /** tsc's errors in the graded file (tsx runs code with type errors; they often explain a failure). */
  typeErrors?: { file: string; line: number; column: number; message: string }[];
  /**
   * "reference" when the whole system ran the reference solutions of the earlier steps in place of the
   * learner's (`--reference-steps`). Such a grade is never the learner's pass: when every check passes,
   * the last task is a fail whose message says why.
   */
  earlierSteps?: 'reference';
}

/**
 * One task's check as an Exercism test. Exercism's `output` is what the learner's own code printed; the
 * kit shows that in the terminal as it is printed and does not capture it, so it never writes `output`.
 */
export interface ResultsTest {
  name: string;
  status: 'pass' | 'fail';
  /** A failure: what the check expected, what it found, where to look, and how far the test order got. */
  message?: string;
  task_id: number;
  duration_ms: number;
  /** Set on a task that was not checked because an earlier task failed: not earned, so its status is "fail". */
  checked?: false;
  /** What the grader measured and shows, pass or fail (counts, timings): the grader's words, not the learner's output. */
  notes?: string[];
}

/** What a grade on the reference steps that passes every check says instead of a pass. */
export function referenceStepsMessage(exercise: { number: number }): string {
  return `Every check passes, with the reference solutions of the earlier steps in place of yours (--reference-steps): not a pass of exercise ${exercise.number}. It is yours once \`npm run exercise ${exercise.number}\` passes on your own steps.`;
}

export function toResultsJson(result: GradeResult): ResultsJson {
  const firstFailure = result.tasks.find((task) => task.status === 'fail');
  const kitFields = {
    exercise: { number: result.exercise.number, slug: result.exercise.slug },
    file: result.file,
    namespace: result.namespace,
    localstack: result.localstack,
    finishedAt: new Date().toISOString(),
    timings: result.timings,
    ...(result.typeProblems?.length ? { typeErrors: result.typeProblems } : {}),
    ...(result.referenceSteps ? { earlierSteps: 'reference' as const } : {}),
  };
  // A file that does not load ran no check: Exercism's top-level error, with what the learner must fix.
  if (result.fileDidNotLoad && firstFailure) {
    const message = [`Your code: ${firstFailure.deployProblem ?? firstFailure.found}`, firstFailure.look && `Look at ${firstFailure.look}`]
      .filter(Boolean)
      .join('\n');
    return { version: 3, status: 'error', message, tests: [], ...kitFields };
  }

  const tests: ResultsTest[] = result.tasks.map((task) => ({
    name: `Task ${task.id}: ${task.title}`,
    status: task.status === 'pass' ? 'pass' : 'fail',
    ...(task.status === 'fail' ? { message: failureMessage(task) } : {}),
    ...(task.status === 'skip'
      ? { message: `Not checked: it is checked once the tasks before it pass (Task ${firstFailure?.id} fails).`, checked: false as const }
      : {}),
    task_id: task.id,
    duration_ms: Math.round(task.ms),
    ...(task.notes ? { notes: task.notes } : {}),
  }));
  if (result.referenceSteps && result.status === 'pass') Object.assign(tests.at(-1)!, { status: 'fail', message: referenceStepsMessage(result.exercise) });
  return { version: 3, status: tests.every((test) => test.status === 'pass') ? 'pass' : 'fail', tests, ...kitFields };
}

function failureMessage(task: TaskResult): string {
  return [
    task.deployProblem && `Your code: ${task.deployProblem}`,
    `Expected ${task.expected}`,
    `Found ${task.found}`,
    task.look && `Look at ${task.look}`,
    ...(task.path ? formatPath(task.path.orderId, task.path.hops) : []),
  ]
    .filter(Boolean)
    .join('\n');
}

/** A grade that could not run (LocalStack unreachable, no such file): no check ran, and `message` says why. */
export function errorResultsJson(exercise: { number: number; slug: string }, message: string): ResultsJson {
  return { version: 3, status: 'error', message, tests: [], exercise: { number: exercise.number, slug: exercise.slug }, finishedAt: new Date().toISOString() };
}

export function resultsFile(stateDir: string, exercise: { number: number; slug: string }): string {
  return path.join(stateDir, 'results', `${exerciseDir(exercise)}.json`);
}

export async function writeResults(stateDir: string, results: ResultsJson): Promise<string> {
  const file = resultsFile(stateDir, results.exercise);
  await fs.mkdir(path.dirname(file), { recursive: true });
  // A temporary file of this write's own: grades of one step that end together each rename theirs, the last one stays.
  const temporary = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(results, null, 2)}\n`);
  await fs.rename(temporary, file);
  return file;
}

export async function readResults(stateDir: string, exercise: { number: number; slug: string }): Promise<ResultsJson | undefined> {
  try {
    return JSON.parse(await fs.readFile(resultsFile(stateDir, exercise), 'utf8')) as ResultsJson;
  } catch {
    return undefined;
  }
}
