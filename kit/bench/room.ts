import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';
import { endedChildrenCpuSeconds, loadNow, treeCpuSeconds } from './processCpu.ts';

export const kitArgs = (...args: string[]) => ['--import', 'tsx', path.join(PROJECT_ROOT, 'kit', 'cli.ts'), ...args];

export interface GradeRun {
  ms: number;
  status: number | null;
  /** timings.awsMs of the results.json verdict, when the grade printed one. */
  awsMs?: number;
}

/** One grade of a reference solution as its own process, without blocking the others started beside it. */
export function gradeProcess(exercise: number, env: NodeJS.ProcessEnv): Promise<GradeRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, kitArgs('exercise', String(exercise), '--solution', '--json'), {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('close', (status) => {
      let awsMs: number | undefined;
      try {
        awsMs = (JSON.parse(stdout) as { timings?: { awsMs?: number } }).timings?.awsMs;
      } catch {
        // no verdict printed: the status says why
      }
      resolve({ ms: performance.now() - started, status, awsMs });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * A room grading at once: `size` grades of exercise 1 started together, each in its own state folder
 * and through NORTHPOLE_ENDPOINT, as laptops do on an instructor's LocalStack, beside one grade alone.
 * All of them run on this machine, so their own Node processes (the kit, the learner's worker, tsc)
 * share its cores with LocalStack: the CPU each side used is printed beside the verdicts.
 */
export async function benchRoom(
  sizes: number[],
  endpoint: string,
  localStackPid: number | undefined,
  report: (label: string, value: string) => void,
): Promise<void> {
  const states = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-bench-state-'));
  try {
    const envFor = (index: number) => ({ ...process.env, NORTHPOLE_ENDPOINT: endpoint, NORTHPOLE_STATE_DIR: path.join(states, String(index)) });
    await gradeProcess(1, envFor(0));
    const alone = await gradeProcess(1, envFor(0));
    report(
      'one grade of exercise 1 alone, through the endpoint',
      alone.status === 0 ? `${secs(alone.ms)} (AWS work ${secs(alone.awsMs ?? 0)}) [load ${loadNow()}]` : `failed (exit ${alone.status})`,
    );
    for (const size of sizes) {
      const load = loadNow();
      const localStackBefore = localStackPid ? treeCpuSeconds(localStackPid) : undefined;
      const gradesBefore = endedChildrenCpuSeconds();
      const started = performance.now();
      const together = await Promise.all(Array.from({ length: size }, (_, index) => gradeProcess(1, envFor(size * 100 + index))));
      const wall = performance.now() - started;
      const localStackCpu = localStackPid && localStackBefore !== undefined ? treeCpuSeconds(localStackPid)! - localStackBefore : undefined;
      const gradesCpu = gradesBefore !== undefined ? endedChildrenCpuSeconds()! - gradesBefore : undefined;
      const failed = together.filter((grade) => grade.status !== 0).length;
      const verdicts = together.map((grade) => grade.ms);
      const aws = together.flatMap((grade) => (grade.awsMs === undefined ? [] : [grade.awsMs]));
      report(
        `${size} grades of exercise 1 at once: all done / median / slowest verdict`,
        `${secs(wall)} / ${secs(median(verdicts))} / ${secs(Math.max(...verdicts))} (${(median(verdicts) / alone.ms).toFixed(1)}x alone), ${failed ? `${failed} failed` : 'all passed'} [load ${load} → ${loadNow()}]`,
      );
      if (aws.length > 0) report(`  their AWS work: median / slowest`, `${secs(median(aws))} / ${secs(Math.max(...aws))}`);
      if (gradesCpu !== undefined)
        report(`  CPU of the grades' own processes (kit, learner worker, tsc)`, `${gradesCpu.toFixed(1)} s, ${(gradesCpu / size).toFixed(2)} s a grade`);
      if (localStackCpu !== undefined)
        report(`  CPU of LocalStack (its Python and DynamoDB Local)`, `${localStackCpu.toFixed(1)} s, ${(localStackCpu / size).toFixed(2)} s a grade`);
    }
  } finally {
    await fs.rm(states, { recursive: true, force: true });
  }
}
