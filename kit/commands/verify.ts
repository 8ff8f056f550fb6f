import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { out } from '../terminal.ts';
import { awsClients, destroyClients } from '../aws/clients.ts';
import { ExitCode } from '../exitCode.ts';
import { gradeExercise, gradeTarget, type GradeResult } from '../grading/gradeExercise.ts';
import { NamespaceRegistry } from '../grading/namespace.ts';
import { removeNamespaces } from '../grading/sweep.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import { exercisePaths, loadTrack } from '../track.ts';
import { PROJECT_ROOT } from '../paths.ts';

export interface VerifyRow {
  exercise: number;
  /** The reference solution, or the starter as the kit ships it (starters/, never the learner's file). */
  which: 'solution' | 'starter';
  file: string;
  expected: 'pass' | 'fail';
  result: GradeResult;
  ok: boolean;
}

/**
 * What rustlings calls `dev check` and ziglings runs in CI: every reference solution passes its
 * grader and every starter fails it. It uses its own state folder, so the learner's progress and
 * namespaces are untouched, and removes every namespace it made. One grade at a time: the later
 * steps race real deadlines (retry waits, task-token timeouts, a replay window), and grades run
 * side by side on a 2-core machine made them miss those deadlines.
 */
export async function verifyTrack(say: (line: string) => void = () => {}): Promise<VerifyRow[]> {
  const localstack = await ensureLocalStack(say);
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-verify-'));
  const rows: VerifyRow[] = [];
  try {
    for (const exercise of loadTrack().exercises) {
      const paths = exercisePaths(exercise);
      for (const [which, file, expected] of [
        ['solution', paths.solution, 'pass'],
        ['starter', paths.starter, 'fail'],
      ] as const) {
        const result = await gradeExercise(gradeTarget(exercise, file), { stateDir, localstack, sweep: false });
        const row = { exercise: exercise.number, which, file: path.relative(PROJECT_ROOT, file), expected, result, ok: result.status === expected };
        rows.push(row);
        say(`${row.ok ? out.green('✓') : out.red('✗')} ${verdict(row)} ${out.dim(`(${row.file}, ${(result.timings.totalMs / 1000).toFixed(1)} s)`)}`);
      }
    }
  } finally {
    const aws = awsClients(localstack.endpoint);
    const registry = new NamespaceRegistry(stateDir);
    await removeNamespaces(aws, await registry.all())
      .then((gone) => registry.forget(gone))
      .catch(() => undefined);
    destroyClients(aws);
    await fs.rm(stateDir, { recursive: true, force: true });
  }
  return rows;
}

export async function verifyCommand(): Promise<number> {
  const rows = await verifyTrack((line) => console.log(line));
  const wrong = rows.filter((row) => !row.ok);
  for (const row of wrong.filter((candidate) => candidate.expected === 'pass')) {
    console.log(out.red(`${row.file}: ${row.result.tasks.find((t) => t.status === 'fail')?.found}`));
  }
  console.log(wrong.length === 0 ? out.green(`All ${rows.length} checks as expected.`) : out.red(`${wrong.length} of ${rows.length} checks are wrong.`));
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
