import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AwsClock } from './aws/awsClock.ts';
import { benchCallbackRound, tokenWaitsIn } from './bench/callbackRound.ts';
import { loadNow } from './bench/processCpu.ts';
import { benchRoom, kitArgs as kit } from './bench/room.ts';
import { benchWatchRegrade } from './bench/watchRegrade.ts';
import { benchClassBoard } from './board/boardBench.ts';
import { awsClients, destroyClients } from './aws/clients.ts';
import { restApiInvokeUrl } from './aws/endpoints.ts';
import { LearnerSession } from './grading/learnerSession.ts';
import { newNamespace } from './grading/namespace.ts';
import { Observers } from './grading/checks/observe.ts';
import { removeNamespace } from './grading/sweep.ts';
import { DockerLocalStack } from './localstack/docker/dockerMode.ts';
import { dockerAnswers } from './localstack/mode.ts';
import { HostLocalStack } from './localstack/host/hostLocalStack.ts';
import { hostLayout } from './localstack/host/install.ts';
import { ensureLocalStack } from './localstack/runtime.ts';
import { readSettings } from './localstack/settings.ts';
import { exercisePaths, loadTrack } from './track.ts';
import { PROJECT_ROOT } from './paths.ts';

// `npm run bench [-- --runs 5] [-- --skip-install] [-- --only <sections>] [-- --board]`: whole-process timings of what
// learners wait for. Sections: board, modes (install, cold starts, the Docker mode), rooms, grades, watch, latency,
// callback, batch, verify; `--concurrent-only` is `--only rooms`, `--board` is `--only board`.
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const skipInstall = args.includes('--skip-install');
const only = args.includes('--concurrent-only')
  ? ['rooms']
  : args.includes('--board')
    ? ['board']
    : args.includes('--only')
      ? (args[args.indexOf('--only') + 1] ?? '').split(',')
      : undefined;
const section = (name: string) => !only || only.includes(name);
/** A room on one LocalStack: the ten measured since the first bench, and thirty, a whole workshop. */
const ROOMS = [10, 30];
/** The exercises a learner grades again and again within seconds: the loop of `npm run watch`. */
const WATCHED = [1, 2, 3, 4, 5];

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

const settings = readSettings();

console.log(
  `Node ${process.version}, ${os.cpus().length} cores, LocalStack mode requested: ${settings.endpoint ? 'endpoint' : settings.requested}, load ${os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')}`,
);

// The class board needs no LocalStack: `npm run bench -- --board` measures it alone.
if (section('board')) await benchClassBoard(report);
if (only?.length === 1 && only[0] === 'board') process.exit(0);

/**
 * Exercise 8's grade and what its batch note says (requests, p50/p95 from the API to the last queue),
 * then how long each fragile order waited for the elves in that batch (read from the executions of the
 * whole system's namespace, which the grade leaves to look at).
 */
async function batchFigures(label: string, endpoint: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const last = loadTrack().exercises.find((exercise) => exercise.slug === 'christmas-eve')!;
  const load = loadNow();
  const { ms, stdout, status } = timeCommand(process.execPath, kit('exercise', String(last.number), '--solution', '--json'), env);
  if (status !== 0) {
    report(`${label}: exercise ${last.number}`, `failed (exit ${status})`);
    return;
  }
  const lines = (JSON.parse(stdout) as { tests: { notes?: string[] }[] }).tests.flatMap((test) => test.notes ?? []);
  report(`${label}: exercise ${last.number} with its batch`, `${secs(ms)} [load ${load} → ${loadNow()}]`);
  for (const line of lines.filter((candidate) => /requests|p50/.test(candidate))) report(`  batch`, line.trim());
  const namespace = lines.map((line) => /Whole system in namespace (\w+)/.exec(line)?.[1]).find(Boolean);
  const waits = namespace ? await tokenWaitsIn(endpoint, namespace) : [];
  if (waits.length > 0)
    report(`  a fragile order's wait for the elves in the batch (median / slowest of ${waits.length})`, `${secs(median(waits))} / ${secs(Math.max(...waits))}`);
}

if (!settings.endpoint && section('modes')) {
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
      report(`no-Docker cold start, installed, ${loading} (median of ${colds.length})`, `${secs(median(colds))} [load ${loadNow()}]`);
      report(`  then the first grade of exercise 2`, secs(median(firstGrades)));
    }
  }
  if (await dockerAnswers()) await benchDockerMode();
  else report('Docker mode', 'not measured: no Docker engine answers here');
}

/**
 * The Docker mode in the same run: a cold start (no container of the kit from this image), the first
 * grade, then warm grades on the reused container and exercise 8's batch, and the container is removed at the end.
 */
async function benchDockerMode(): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NORTHPOLE_LOCALSTACK: 'docker', NORTHPOLE_ENDPOINT: '' };
  const kitContainers = () =>
    spawnSync('docker', ['ps', '--all', '--quiet', '--filter', 'label=org.northpole.kit=localstack', '--filter', `ancestor=${settings.image}`], {
      encoding: 'utf8',
    })
      .stdout.split('\n')
      .filter(Boolean);
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
    report(`Docker cold start (${settings.image})`, `${secs(cold.ms)} [load ${loadNow()}]`);
    report('  then the first grade of exercise 2', secs(timeCommand(process.execPath, kit('exercise', '2', '--solution', '--json'), env).ms));
    for (const exercise of loadTrack().exercises) {
      const load = loadNow();
      const walls = Array.from({ length: runs }, () => timeCommand(process.execPath, kit('exercise', String(exercise.number), '--solution', '--json'), env).ms);
      report(`Docker warm grade, exercise ${exercise.number} (median of ${runs})`, `${secs(median(walls))} [load ${load} → ${loadNow()}]`);
    }
    const container = await new DockerLocalStack(readSettings(env), env).running();
    if (container) await batchFigures('Docker', container.endpoint, env);
  } finally {
    removeContainers();
  }
}

const localstack = await ensureLocalStack();
/** The pid of the no-Docker LocalStack this bench grades against, whose CPU the room's figures report. */
const localStackPid = localstack.mode === 'host' ? (JSON.parse(readFileSync(hostLayout(settings).state, 'utf8')) as { pid: number }).pid : undefined;

if (section('grades')) {
  for (const exercise of loadTrack().exercises) {
    const walls: number[] = [];
    const ratios: number[] = [];
    const awsTimes: number[] = [];
    timeCommand(process.execPath, kit('exercise', String(exercise.number), '--solution', '--json'));
    const load = loadNow();
    for (let run = 0; run < runs; run++) {
      const { ms, stdout, status } = timeCommand(process.execPath, kit('exercise', String(exercise.number), '--solution', '--json'));
      if (status !== 0) throw new Error(`exercise ${exercise.number} --solution exited ${status}`);
      const awsMs = (JSON.parse(stdout) as { timings: { awsMs: number } }).timings.awsMs;
      walls.push(ms);
      awsTimes.push(awsMs);
      ratios.push(ms / awsMs);
    }
    report(
      `warm grade, exercise ${exercise.number} (median of ${runs}): wall / AWS work`,
      `${secs(median(walls))} / ${secs(median(awsTimes))} = ${median(ratios).toFixed(2)}x [load ${load} → ${loadNow()}]`,
    );
  }
}

if (section('watch'))
  await benchWatchRegrade(
    loadTrack().exercises.filter((exercise) => WATCHED.includes(exercise.number)),
    localstack.endpoint,
    runs,
    report,
  );

// Event latency: a real POST /orders through the exercise 2 solution until the event is on an observer queue.
if (section('latency')) {
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
    const load = loadNow();
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
    report(`event latency POST /orders -> observer queue (median of ${latencies.length})`, `${secs(median(latencies))} [load ${load}]`);
  } finally {
    await session.close();
    await removeNamespace(aws, namespace);
    destroyClients(aws);
  }
}

if (section('callback')) await benchCallbackRound(localstack.endpoint, runs * 2, report);

// The whole system under a Christmas Eve batch: exercise 8's report says how many orders, how fast, and p50/p95.
if (section('batch')) await batchFigures(localstack.mode === 'host' ? 'no-Docker' : localstack.mode, localstack.endpoint);

if (section('verify')) {
  const load = loadNow();
  const verify = timeCommand(process.execPath, kit('verify'));
  report(
    'npm run verify (every solution and starter)',
    verify.status === 0 ? `${secs(verify.ms)} [load ${load} → ${loadNow()}]` : `failed (exit ${verify.status})`,
  );
}

// Last: thirty grades at once load the machine for a minute after they end, which would colour the figures after them.
if (section('rooms')) await benchRoom(ROOMS, localstack.endpoint, localStackPid, report);
