import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from '../workbench/tempProject.ts';
import { PROJECT_ROOT } from '../../kit/paths.ts';

const run = promisify(execFile);

/** Another free AWS emulator, pinned: the kit's endpoint mode is tried against it as a learner would point at it. */
const MINISTACK = { name: 'ministack', version: '1.5.33' };
/** Inside the project and ignored by git, like LocalStack's own virtualenv. */
const HOME = path.join(PROJECT_ROOT, '.ministack');
const BIN = path.join(HOME, 'venv', 'bin', 'ministack');

/** Why MiniStack cannot be had here (PyPI unreachable, no venv module); the tests then skip with it. */
let unavailable: string | undefined;
let child: ChildProcess | undefined;
let endpoint = '';
let project: TempProject;

async function install(): Promise<string | undefined> {
  const marker = path.join(HOME, 'venv', `.${MINISTACK.name}-${MINISTACK.version}`);
  if (existsSync(marker)) return undefined;
  try {
    await run(process.env.NORTHPOLE_PYTHON ?? 'python3', ['-m', 'venv', '--clear', path.join(HOME, 'venv')], { timeout: 120_000 });
    await run(
      path.join(HOME, 'venv', 'bin', 'python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `${MINISTACK.name}==${MINISTACK.version}`],
      { timeout: 600_000 },
    );
    await run('touch', [marker]);
    return undefined;
  } catch (error) {
    const said = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').at(-1);
    return `${MINISTACK.name}==${MINISTACK.version} could not be installed from PyPI here: ${said}`;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

describe('another emulator at NORTHPOLE_ENDPOINT: MiniStack, from PyPI', () => {
  const kit = (args: string[]) => project.run(args, { NORTHPOLE_ENDPOINT: endpoint, NORTHPOLE_LOCALSTACK: '' }, 240_000);

  beforeAll(async () => {
    unavailable = await install();
    if (unavailable) {
      console.warn(`MiniStack tests skipped: ${unavailable}`);
      return;
    }
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    const log = openSync(path.join(HOME, 'ministack.log'), 'w');
    child = spawn(BIN, [], { env: { ...process.env, GATEWAY_PORT: String(port), BIND_HOST: '127.0.0.1' }, stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    const until = Date.now() + 60_000;
    while (!(await answers(`${endpoint}/_ministack/health`))) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`MiniStack did not start on ${endpoint}; see ${path.join(HOME, 'ministack.log')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    project = await TempProject.create();
  }, 900_000);

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    await project?.remove();
  });

  it('grades exercise 1 there, with no proxy: the reference solution passes, the starter fails at Task 1', async (context) => {
    if (unavailable) context.skip(unavailable);
    const solved = await kit(['exercise', '1', '--solution', '--json']);
    expect(solved.code, solved.stderr).toBe(0);
    const verdict = JSON.parse(solved.stdout) as { status: string; localstack: { emulator?: string; endpoint: string } };
    expect(verdict.status).toBe('pass');
    expect(verdict.localstack).toMatchObject({ endpoint, emulator: `MiniStack ${MINISTACK.version}` });
    const starter = await kit(['exercise', '1', '--json']);
    expect(starter.code).toBe(1);
    expect((JSON.parse(starter.stdout) as { tests: { task_id: number; status: string }[] }).tests[0]).toMatchObject({ task_id: 1, status: 'fail' });
  });

  it('an API it does not implement is an environment problem: exit 2, a parsable verdict naming the operation and the emulator', async (context) => {
    if (unavailable) context.skip(unavailable);
    // Exercise 2's grader asks API Gateway's TestInvokeMethod, which MiniStack 1.5.33 does not have.
    const ran = await kit(['exercise', '2', '--solution', '--json']);
    expect(ran.code, ran.stderr).toBe(2);
    const verdict = JSON.parse(ran.stdout) as { status: string; message: string };
    expect(verdict.status).toBe('error');
    expect(verdict.message).toContain(
      `the emulator at ${endpoint} (MiniStack ${MINISTACK.version}) does not implement APIGateway TestInvokeMethod`.replace(/^t/, 'T'),
    );
    expect(ran.stderr).not.toMatch(/failed unexpectedly|\n\s+at /);
  });

  it('doctor --track probes every feature there and says which exercises it can grade', async (context) => {
    if (unavailable) context.skip(unavailable);
    const ran = await kit(['doctor', '--track']);
    console.log(ran.stdout);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toContain(`against the emulator at ${endpoint} (MiniStack ${MINISTACK.version})`);
    expect(ran.stdout).toMatch(/✗ missing\s+API Gateway TestInvokeMethod/);
    expect(ran.stdout).toMatch(/✗ missing\s+SQS dead-letter queue and StartMessageMoveTask back[^\n]*\n\s+SQS StartMessageMoveTask: InvalidAction/);
    expect(ran.stdout).toMatch(/! differs\s+Step Functions waitForTaskToken/);
    expect(ran.stdout).toMatch(/✓ works\s+EventBridge archive and replay, with replay-name/);
    expect(ran.stdout).toContain('Can be graded here: 1, 3, 4, 5.');
  });

  it('status and doctor call it the emulator it is, not LocalStack', async (context) => {
    if (unavailable) context.skip(unavailable);
    const status = await kit(['localstack', 'status']);
    expect([status.code, status.stdout.trim()]).toEqual([
      0,
      `The emulator at ${endpoint} (MiniStack ${MINISTACK.version}) answers (endpoint mode, NORTHPOLE_ENDPOINT).`,
    ]);
    const doctor = await kit(['doctor']);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(
      new RegExp(
        `! LocalStack\\s+The emulator at ${endpoint.replaceAll('.', '\\.')} \\(MiniStack ${MINISTACK.version.replaceAll('.', '\\.')}\\) answers, with every service of the track`,
      ),
    );
  });
});
