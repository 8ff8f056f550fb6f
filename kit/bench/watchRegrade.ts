import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { resultsFile } from '../grading/results.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { exerciseFiles, type Exercise } from '../track.ts';
import { loadNow } from './processCpu.ts';

const REGRADE_DEADLINE_MS = 120_000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * A throw-away copy of the kit whose exercise files are the reference solutions: the learner's own
 * files are never touched, and `exercise` and `watch` grade them as a learner's (type check included).
 */
async function solvedCopy(exercises: Exercise[]): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-bench-copy-'));
  for (const entry of ['kit', 'graders', 'exercises', 'starters', 'solutions', 'package.json', 'tsconfig.json']) {
    await fs.cp(path.join(PROJECT_ROOT, entry), path.join(root, entry), { recursive: true });
  }
  await fs.symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  for (const exercise of exercises) {
    for (const file of exerciseFiles(exercise, root)) await fs.copyFile(exerciseFiles(exercise).find((own) => own.name === file.name)!.solution, file.working);
  }
  return root;
}

const awsMsOf = async (stateDir: string, exercise: Exercise) =>
  (JSON.parse(await fs.readFile(resultsFile(stateDir, exercise), 'utf8')) as { timings: { awsMs: number } }).timings.awsMs;

/**
 * The loop a learner repeats: for each exercise, the one-shot grade (`npm run exercise N`, a new
 * process each time) and the re-grade of `npm run watch N` after a save (its process warm, the save
 * to the verdict, its 200 ms debounce included), each beside the AWS work of the grade (timings.awsMs).
 */
export async function benchWatchRegrade(exercises: Exercise[], endpoint: string, runs: number, report: (label: string, value: string) => void): Promise<void> {
  const root = await solvedCopy(exercises);
  const env = { ...process.env, NORTHPOLE_ENDPOINT: endpoint, NORTHPOLE_STATE_DIR: path.join(root, '.northpole'), NO_COLOR: '1' };
  const cli = (...args: string[]) => ['--import', 'tsx', path.join(root, 'kit', 'cli.ts'), ...args];
  const stateDir = env.NORTHPOLE_STATE_DIR;
  try {
    for (const exercise of exercises) {
      const load = loadNow();
      const oneShot: { ms: number; awsMs: number }[] = [];
      for (let run = 0; run <= runs; run++) {
        const started = performance.now();
        const { status, stdout } = spawnSync(process.execPath, cli('exercise', String(exercise.number), '--json'), { cwd: root, env, encoding: 'utf8' });
        if (status !== 0) throw new Error(`exercise ${exercise.number} on the solved copy exited ${status}`);
        // The first grade warms LocalStack for this exercise; it is not counted.
        if (run > 0) oneShot.push({ ms: performance.now() - started, awsMs: (JSON.parse(stdout) as { timings: { awsMs: number } }).timings.awsMs });
      }

      const watch = spawn(process.execPath, cli('watch', String(exercise.number)), { cwd: root, env, stdio: ['ignore', 'pipe', 'ignore'] });
      const verdicts: (() => void)[] = [];
      readline.createInterface({ input: watch.stdout }).on('line', (line) => {
        if (line.startsWith(`Watching exercise ${exercise.number}:`)) verdicts.shift()?.();
      });
      const nextVerdict = () =>
        new Promise<void>((resolve, reject) => {
          const deadline = setTimeout(
            () => reject(new Error(`npm run watch ${exercise.number} printed no verdict in ${REGRADE_DEADLINE_MS / 1000} s`)),
            REGRADE_DEADLINE_MS,
          );
          verdicts.push(() => (clearTimeout(deadline), resolve()));
        });
      const regrades: { ms: number; awsMs: number }[] = [];
      try {
        await nextVerdict();
        const file = exerciseFiles(exercise, root)[0]!.working;
        const content = await fs.readFile(file);
        for (let run = 0; run < runs; run++) {
          const verdict = nextVerdict();
          const saved = performance.now();
          await fs.writeFile(file, content);
          await verdict;
          regrades.push({ ms: performance.now() - saved, awsMs: await awsMsOf(stateDir, exercise) });
        }
      } finally {
        watch.kill('SIGTERM');
        if (watch.exitCode === null) await once(watch, 'close');
      }
      const row = (grades: { ms: number; awsMs: number }[]) =>
        `${secs(median(grades.map((grade) => grade.ms)))} / ${secs(median(grades.map((grade) => grade.awsMs)))} = ${median(grades.map((grade) => grade.ms / grade.awsMs)).toFixed(2)}x`;
      report(`exercise ${exercise.number}, one-shot grade (median of ${runs}): wall / AWS work`, `${row(oneShot)} [load ${load}]`);
      report(`exercise ${exercise.number}, watch re-grade after a save (median of ${runs})`, `${row(regrades)} [load ${loadNow()}]`);
    }
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}
