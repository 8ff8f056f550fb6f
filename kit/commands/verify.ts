import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pc from 'picocolors';
import { awsClients, destroyClients } from '../aws/clients.ts';
import { ExitCode } from '../exitCode.ts';
import { gradeExercise, type GradeResult } from '../grading/gradeExercise.ts';
import { NamespaceRegistry } from '../grading/namespace.ts';
import { removeNamespaces } from '../grading/sweep.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import { PROJECT_ROOT } from '../localstack/settings.ts';
import { exercisePaths, loadTrack } from '../track.ts';

export interface VerifyRow {
  exercise: number;
  /** The reference solution, or the starter as the kit ships it (starters/, never the learner's file). */
  which: 'solution' | 'starter';
  file: string;
  expected: 'pass' | 'fail';
  result: GradeResult;
  ok: boolean;
}

/** Grades run at once: namespaces keep them apart, and a 2-core laptop still answers each in time. */
const CONCURRENT_GRADES = 3;

/**
 * What rustlings calls `dev check` and ziglings runs in CI: every reference solution passes its
 * grader and every starter fails it. It uses its own state folder, so the learner's progress and
 * namespaces are untouched, and removes every namespace it made. Grades run a few at a time, the
 * longest first; the rows come back in track order.
 */
export async function verifyTrack(say: (line: string) => void = () => {}): Promise<VerifyRow[]> {
  const localstack = await ensureLocalStack(say);
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-verify-'));
  const grades = loadTrack().exercises.flatMap((exercise) => {
    const paths = exercisePaths(exercise);
    return ([['solution', paths.solution, 'pass'], ['starter', paths.starter, 'fail']] as const).map(([which, file, expected]) => ({ exercise: exercise.number, which, file, expected }));
  });
  const rows: VerifyRow[] = new Array(grades.length);
  // Later steps deploy more and send more traffic: starting them first keeps the tail short.
  const queue = grades.map((grade, index) => ({ grade, index })).sort((a, b) => b.grade.exercise - a.grade.exercise || Number(a.grade.which === 'starter') - Number(b.grade.which === 'starter'));
  const next = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const { exercise, which, file, expected } = item.grade;
      const result = await gradeExercise(exercise, { file, stateDir, localstack, sweep: false });
      const row = { exercise, which, file: path.relative(PROJECT_ROOT, file), expected, result, ok: result.status === expected };
      rows[item.index] = row;
      say(`${row.ok ? pc.green('✓') : pc.red('✗')} ${verdict(row)} ${pc.dim(`(${row.file}, ${(result.timings.totalMs / 1000).toFixed(1)} s)`)}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENT_GRADES }, next));
  } finally {
    const aws = awsClients(localstack.endpoint);
    await removeNamespaces(aws, await new NamespaceRegistry(stateDir).all()).catch(() => undefined);
    destroyClients(aws);
    await fs.rm(stateDir, { recursive: true, force: true });
  }
  return rows;
}

export async function verifyCommand(): Promise<number> {
  const rows = await verifyTrack((line) => console.log(line));
  const wrong = rows.filter((row) => !row.ok);
  for (const row of wrong.filter((candidate) => candidate.expected === 'pass')) {
    console.log(pc.red(`${row.file}: ${row.result.tasks.find((t) => t.status === 'fail')?.found}`));
  }
  console.log(wrong.length === 0 ? pc.green(`All ${rows.length} checks as expected.`) : pc.red(`${wrong.length} of ${rows.length} checks are wrong.`));
  return wrong.length === 0 ? ExitCode.Pass : ExitCode.Fail;
}

/** One line that reads as a verdict: what was graded, what it did, and whether that is what it should do. */
export function verdict(row: VerifyRow): string {
  const failedAt = row.result.tasks.find((task) => task.status === 'fail')?.id;
  const did = row.result.status === 'pass' ? 'passes' : `fails at Task ${failedAt}`;
  const subject = `${row.which} of exercise ${row.exercise}`;
  if (row.ok) return `${subject} ${did}, as it should`;
  return row.expected === 'pass' ? `${subject} ${did}, but it should pass` : `${subject} passes, but it should fail (${row.file} has been edited?)`;
}
