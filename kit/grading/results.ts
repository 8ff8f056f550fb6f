import fs from 'node:fs/promises';
import path from 'node:path';
import { exerciseDir } from '../track.ts';
import type { GradeResult } from './gradeExercise.ts';
import { formatPath } from './checks/orderPath.ts';

/**
 * The machine-readable verdict, in the spirit of Exercism's results.json v3: an overall status,
 * one entry per task with its task_id, the first failure first.
 */
export interface ResultsJson {
  version: 3;
  status: 'pass' | 'fail' | 'error';
  message?: string;
  exercise: { number: number; slug: string };
  file?: string;
  namespace?: string;
  localstack?: { mode: string; endpoint: string; version: string };
  finishedAt: string;
  timings?: GradeResult['timings'];
  /** tsc's errors in the graded file (tsx runs code with type errors; they often explain a failure). */
  typeErrors?: { file: string; line: number; column: number; message: string }[];
  /**
   * The kit's own field: "reference" when the whole system ran the reference solutions of the earlier
   * steps in place of the learner's (`--reference-steps`). Such a grade is never the learner's pass:
   * when every check passes, `status` is "fail" and `message` says why.
   */
  earlierSteps?: 'reference';
  tests: { name: string; task_id: number; status: 'pass' | 'fail' | 'skip'; message?: string; output?: string; duration_ms: number }[];
}

/** What a grade on the reference steps that passes every check says instead of a pass. */
export function referenceStepsMessage(exercise: { number: number }): string {
  return `Every check passes, with the reference solutions of the earlier steps in place of yours (--reference-steps): not a pass of exercise ${exercise.number}. It is yours once \`npm run exercise ${exercise.number}\` passes on your own steps.`;
}

export function toResultsJson(result: GradeResult): ResultsJson {
  const ordered = [...result.tasks].sort((a, b) => Number(b.status === 'fail') - Number(a.status === 'fail'));
  const notYours = result.referenceSteps && result.status === 'pass';
  return {
    version: 3,
    status: notYours ? 'fail' : result.status,
    ...(notYours ? { message: referenceStepsMessage(result.exercise) } : {}),
    exercise: { number: result.exercise.number, slug: result.exercise.slug },
    file: result.file,
    namespace: result.namespace,
    localstack: result.localstack,
    finishedAt: new Date().toISOString(),
    timings: result.timings,
    ...(result.typeProblems?.length ? { typeErrors: result.typeProblems } : {}),
    ...(result.referenceSteps ? { earlierSteps: 'reference' as const } : {}),
    tests: ordered.map((task) => ({
      name: `Task ${task.id}: ${task.title}`,
      task_id: task.id,
      status: task.status,
      message:
        task.status === 'fail'
          ? [task.deployProblem && `Your code: ${task.deployProblem}`, `Expected ${task.expected}`, `Found ${task.found}`, task.look && `Look at ${task.look}`, ...(task.path ? formatPath(task.path.orderId, task.path.hops) : [])].filter(Boolean).join('\n')
          : undefined,
      duration_ms: Math.round(task.ms),
      ...(task.notes ? { output: task.notes.join('\n') } : {}),
    })),
  };
}

export function errorResultsJson(exercise: { number: number; slug: string }, message: string): ResultsJson {
  return { version: 3, status: 'error', message, exercise: { number: exercise.number, slug: exercise.slug }, finishedAt: new Date().toISOString(), tests: [] };
}

export function resultsFile(stateDir: string, exercise: { number: number; slug: string }): string {
  return path.join(stateDir, 'results', `${exerciseDir(exercise)}.json`);
}

export async function writeResults(stateDir: string, results: ResultsJson): Promise<string> {
  const file = resultsFile(stateDir, results.exercise);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  await fs.rename(`${file}.tmp`, file);
  return file;
}

export async function readResults(stateDir: string, exercise: { number: number; slug: string }): Promise<ResultsJson | undefined> {
  try {
    return JSON.parse(await fs.readFile(resultsFile(stateDir, exercise), 'utf8')) as ResultsJson;
  } catch {
    return undefined;
  }
}
