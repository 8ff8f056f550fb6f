import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AwsClock } from './aws/awsClock.ts';
import { benchClassBoard } from './board/boardBench.ts';
import { awsClients, destroyClients } from './aws/clients.ts';
import { restApiInvokeUrl } from './aws/endpoints.ts';
import { LearnerSession } from './grading/learnerSession.ts';
import { newNamespace } from './grading/namespace.ts';
import { Observers } from './grading/checks/observe.ts';
import { removeNamespace } from './grading/sweep.ts';
import { dockerAnswers } from './localstack/mode.ts';
import { HostLocalStack } from './localstack/host/hostLocalStack.ts';
import { ensureLocalStack } from './localstack/runtime.ts';
import { readSettings } from './localstack/settings.ts';
import { exercisePaths, loadTrack } from './track.ts';
import { PROJECT_ROOT } from './paths.ts';

// `npm run bench [-- --runs 5] [-- --skip-install] [-- --concurrent-only] [-- --board]`: whole-process timings of what learners wait for (--board: the class board alone).
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const skipInstall = args.includes('--skip-install');
const concurrentOnly = args.includes('--concurrent-only');
const CONCURRENT = 10;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows: [string, string][] = [];
const report = (label: string, value: string) => {
  rows.push([label, value]);
  console.log(`${label.padEnd(58)} ${value}`);
};

function timeCommand(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; status: number | null; stdout: string } {
  const started = performance.now();
  const result = spawnSync(command, commandArgs, { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
  return { ms: performance.now() - started, status: result.status, stdout: result.stdout };
}

/** One grade as its own process, without blocking the others started beside it. */
function gradeProcess(exercise: number, env: NodeJS.ProcessEnv): Promise<{ ms: number; status: number | null }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, kit('exercise', String(exercise), '--solution', '--json'), { cwd: PROJECT_ROOT, env, stdio: 'ignore' });
    child.on('close', (status) => resolve({ ms: performance.now() - started, status }));
  });
}

/**
 * A room grading at once: ten grades of exercise 1 started together, each in its own state folder
 * as on ten laptops sharing an instructor's LocalStack, beside one grade alone.
 */
async function benchConcurrentGrades(): Promise<void> {
  const states = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-bench-state-'));
  try {
    const envFor = (index: number) => ({ ...process.env, NORTHPOLE_STATE_DIR: path.join(states, String(index)) });
    await gradeProcess(1, envFor(0));
    const alone = await gradeProcess(1, envFor(0));
    report('one grade of exercise 1 alone', alone.status === 0 ? secs(alone.ms) : `failed (exit ${alone.status})`);
    const started = performance.now();
    const together = await Promise.all(Array.from({ length: CONCURRENT }, (_, index) => gradeProcess(1, envFor(index + 1))));
    const wall = performance.now() - started;
    const failed = together.filter((grade) => grade.status !== 0).length;
    report(
      `${CONCURRENT} grades of exercise 1 at once: all done / median grade`,
      `${secs(wall)} / ${secs(median(together.map((grade) => grade.ms)))} (${(median(together.map((grade) => grade.ms)) / alone.ms).toFixed(1)}x alone)${failed ? `, ${failed} failed` : ''}`,
    );
  } finally {
    await fs.rm(states, { recursive: true, force: true });
  }
}

const kit = (...kitArgs: string[]) => ['--import', 'tsx', path.join(PROJECT_ROOT, 'kit', 'cli.ts'), ...kitArgs];
const settings = readSettings();

console.log(`Node ${process.version}, ${os.cpus().length} cores, LocalStack mode requested: ${settings.endpoint ? 'endpoint' : settings.requested}`);

// The class board needs no LocalStack: `npm run bench -- --board` measures it alone.
if (!concurrentOnly) await benchClassBoard(report);
if (args.includes('--board')) process.exit(0);

if (!settings.endpoint && !concurrentOnly) {
  if (!skipInstall) {
    // A throw-away home on another port: the first-time set-up a learner without Docker waits for once.
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-bench-home-'));
    const env = { ...process.env, NORTHPOLE_LOCALSTACK: 'host', NORTHPOLE_LOCALSTACK_HOME: home, NORTHPOLE_PORT: '4599' };
    const install = timeCommand(process.execPath, kit('localstack', 'start'), env);
    report('no-Docker first-time set-up + start (venv, pip, DynamoDB Local)', install.status === 0 ? secs(install.ms) : `failed (exit ${install.status})`);
    await new HostLocalStack(readSettings(env)).stop();
    await fs.rm(home, { recursive: true, force: true });
  }

  const host = new HostLocalStack(settings);
  if (settings.requested !== 'docker') {
    // Eager service loading makes start-up longer and the first grade short; both ways, measured.
    for (const eager of ['0', '1']) {
      const colds: number[] = [];
      const firstGrades: number[] = [];
      const env = { ...process.env, NORTHPOLE_LOCALSTACK: 'host', NORTHPOLE_EAGER_SERVICES: eager };
      for (let run = 0; run < Math.min(runs, 3); run++) {
        await host.stop();
        colds.push(timeCommand(process.execPath, kit('localstack', 'start'), env).ms);
        firstGrades.push(timeCommand(process.execPath, kit('exercise', '2', '--solution', '--json'), env).ms);
      }
      const loading = eager === '1' ? 'eager service loading' : 'services loaded on first request';
      report(`no-Docker cold start, installed, ${loading} (median of ${colds.length})`, secs(median(colds)));
      report(`  then the first grade of exercise 2`, secs(median(firstGrades)));
    }
  }
  if (await dockerAnswers()) await benchDockerMode();
  else report('Docker mode', 'not measured: no Docker engine answers here');
}

/**
 * The Docker mode in the same run: a cold start (no container of the kit from this image), the first
 * grade, then warm grades on the reused container, which is removed at the end.
 */
async function benchDockerMode(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NORTHPOLE_LOCALSTACK: 'docker', NORTHPOLE_ENDPOINT: '' };
  const kitContainers = () =>
    spawnSync('docker', ['ps', '--all', '--quiet', '--filter', 'label=org.northpole.kit=localstack', '--filter', `ancestor=${settings.image}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const removeContainers = () => kitContainers().forEach((id) => spawnSync('docker', ['rm', '--force', id]));
  if (spawnSync('docker', ['image', 'inspect', settings.image], { stdio: 'ignore' }).status !== 0) {
    report('Docker mode', `not measured: ${settings.image} is not on this machine (docker pull it, or set NORTHPOLE_LOCALSTACK_IMAGE)`);
    return;
  }
  removeContainers();
  try {
    const cold = timeCommand(process.execPath, kit('localstack', 'start'), env);
    if (cold.status !== 0) {
      report('Docker cold start', `failed (exit ${cold.status})`);
      return;
    }
    report(`Docker cold start (${settings.image})`, secs(cold.ms));
    report('  then the first grade of exercise 2', secs(timeCommand(process.execPath, kit('exercise', '2', '--solution', '--json'), env).ms));
    for (const exercise of loadTrack().exercises) {
      const walls = Array.from({ length: runs }, () => timeCommand(process.execPath, kit('exercise', String(exercise.number), '--solution', '--json'), env).ms);
      report(`Docker warm grade, exercise ${exercise.number} (median of ${runs})`, secs(median(walls)));
    }
  } finally {
    removeContainers();
  }
}

const localstack = await ensureLocalStack();
await benchConcurrentGrades();
if (concurrentOnly) process.exit(0);

for (const exercise of loadTrack().exercises) {
  const walls: number[] = [];
  const ratios: number[] = [];
  const awsTimes: number[] = [];
  timeCommand(process.execPath, kit('exercise', String(exercise.number), '--solution', '--json'));
  for (let run = 0; run < runs; run++) {
    const { ms, stdout, status } = timeCommand(process.execPath, kit('exercise', String(exercise.number), '--solution', '--json'));
    if (status !== 0) throw new Error(`exercise ${exercise.number} --solution exited ${status}`);
    const awsMs = (JSON.parse(stdout) as { timings: { awsMs: number } }).timings.awsMs;
    walls.push(ms);
    awsTimes.push(awsMs);
    ratios.push(ms / awsMs);
  }
  report(`warm grade, exercise ${exercise.number} (median of ${runs}): wall / AWS work`, `${secs(median(walls))} / ${secs(median(awsTimes))} = ${median(ratios).toFixed(2)}x`);
}

// Event latency: a real POST /orders through the exercise 2 solution until the event is on an observer queue.
{
  const namespace = newNamespace();
  const aws = awsClients(localstack.endpoint, new AwsClock());
  const session = new LearnerSession();
  const where = { endpoint: localstack.endpoint, namespace };
  const [first, second] = loadTrack().exercises;
  try {
    const bus = await session.call({ file: exercisePaths(first!).solution, exportName: 'deploy', args: [], ...where }, 30_000);
    if (bus.kind !== 'returned') throw new Error(bus.message);
    const api = await session.call({ file: exercisePaths(second!).solution, exportName: 'deploy', args: [bus.value], ...where }, 30_000);
    if (api.kind !== 'returned') throw new Error(api.message);
    const observer = await new Observers(aws, namespace).bus((bus.value as { busName: string }).busName);
    const { restApiId, stageName } = api.value as { restApiId: string; stageName: string };
    const latencies: number[] = [];
    for (let run = 0; run < runs * 2; run++) {
      const orderId = `bench-${run}`;
      const started = performance.now();
      const response = await fetch(restApiInvokeUrl(localstack.endpoint, restApiId, stageName, '/orders'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ orderId, child: 'Bench', gift: 'stopwatch', quantity: 1 }),
      });
      if (response.status !== 200) throw new Error(`POST /orders answered ${response.status}`);
      if (!(await observer.waitFor((event) => event.detail?.orderId === orderId))) throw new Error('the event did not arrive');
      latencies.push(performance.now() - started);
    }
    report(`event latency POST /orders -> observer queue (median of ${latencies.length})`, secs(median(latencies)));
  } finally {
    await session.close();
    await removeNamespace(aws, namespace);
    destroyClients(aws);
  }
}

// The whole system under a Christmas Eve batch: exercise 8's report says how many orders, how fast, and p50/p95.
{
  const last = loadTrack().exercises.find((exercise) => exercise.slug === 'christmas-eve')!;
  const { stdout } = timeCommand(process.execPath, kit('exercise', String(last.number), '--solution', '--json'));
  const tests = (JSON.parse(stdout) as { tests: { notes?: string[] }[] }).tests;
  const lines = tests.flatMap((test) => test.notes ?? []).filter((line) => /requests|p50/.test(line));
  for (const line of lines) report(`exercise ${last.number} batch`, line);
}

const verify = timeCommand(process.execPath, kit('verify'));
report('npm run verify (every solution and starter)', verify.status === 0 ? secs(verify.ms) : `failed (exit ${verify.status})`);
