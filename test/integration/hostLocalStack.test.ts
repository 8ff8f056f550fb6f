import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { findNamespacedResources } from '../../kit/grading/sweep.ts';
import { hostLayout, installProblem, isInstalled } from '../../kit/localstack/host/install.ts';
import { listProcesses } from '../../kit/localstack/host/processes.ts';
import { readSettings } from '../../kit/localstack/settings.ts';
import { fakeDocker } from '../workbench/fakeDocker.ts';
import { TempProject, type Ran } from '../workbench/tempProject.ts';

// These tests start, freeze and stop LocalStacks: they run only on a home and a port given for
// them (NORTHPOLE_TEST_HOST_HOME, NORTHPOLE_TEST_HOST_PORT), never on the LocalStack other tests use.
const home = process.env.NORTHPOLE_TEST_HOST_HOME;
const port = process.env.NORTHPOLE_TEST_HOST_PORT;

/** The LocalStack processes (Python) and DynamoDB Local processes (Java) of a home. */
function processesOf(localstackHome: string): { localstack: number[]; dynamoDb: number[] } {
  const layout = hostLayout(readSettings({ NORTHPOLE_LOCALSTACK_HOME: localstackHome }));
  const all = listProcesses();
  return {
    localstack: all.filter((info) => info.command.includes(layout.python) && info.command.includes('localstack.runtime.main')).map((info) => info.pid),
    dynamoDb: all.filter((info) => info.command.includes(path.join(layout.varLibs, 'dynamodb-local'))).map((info) => info.pid),
  };
}

describe.runIf(home && port)('the no-Docker LocalStack, started and stopped by the kit', () => {
  let project: TempProject;
  let docker: ReturnType<typeof fakeDocker>;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}, timeoutMs = 240_000): Promise<Ran> => project.run(args, { ...env, ...extra }, timeoutMs);
  const statePid = async () => (JSON.parse(await fs.readFile(path.join(home!, 'host.json'), 'utf8')) as { pid: number }).pid;

  beforeAll(async () => {
    project = await TempProject.create();
    docker = fakeDocker();
    const dockerPort = await new Promise<number>((resolve) => docker.listen(0, '127.0.0.1', () => resolve((docker.address() as { port: number }).port)));
    // Auto mode, with a Docker engine that answers but cannot get the image (an offline venue).
    env = {
      NORTHPOLE_ENDPOINT: '',
      NORTHPOLE_LOCALSTACK: '',
      NORTHPOLE_LOCALSTACK_HOME: home,
      NORTHPOLE_PORT: port,
      DOCKER_HOST: `tcp://127.0.0.1:${dockerPort}`,
    };
    // Installed (once, minutes) before the clock of any test starts; then stopped, for the cold starts.
    const installed = await run(['localstack', 'start'], { NORTHPOLE_LOCALSTACK: 'host' }, 1_200_000);
    expect(installed.code).toBe(0);
    await run(['localstack', 'stop']);
  }, 1_300_000);
  afterAll(async () => {
    await run(['localstack', 'stop']);
    docker.close();
    await project.remove();
  });

  it('three grades started at once with LocalStack stopped start exactly one, after falling back from Docker once and remembering it', async () => {
    expect(processesOf(home!).localstack).toEqual([]);
    const runs = await Promise.all([1, 2, 3].map(() => run(['exercise', '1', '--solution', '--json'])));
    for (const ran of runs) expect([ran.code, ran.stderr]).toEqual([0, expect.not.stringMatching(/failed unexpectedly|did not start/)]);
    expect(processesOf(home!).localstack).toEqual([await statePid()]);
    expect(runs.map((ran) => ran.stderr).join('\n')).toMatch(
      /a Docker engine answers but cannot get localstack\/localstack:4\.13\.1 \(the engine answered 500: .*\), so LocalStack runs without Docker; remembered in /,
    );
    const remembered = JSON.parse(await project.read('.northpole', 'localstack-mode.json')) as { mode: string };
    expect(remembered.mode).toBe('host');
  });

  it('doctor says what the next grade does: the running no-Docker LocalStack is reused', async () => {
    const ran = await run(['doctor']);
    expect(ran.stdout).toMatch(/✓ LocalStack mode\s+host: the no-Docker LocalStack of this kit is running and is reused/);
    expect(ran.stdout).toContain(`answers at http://127.0.0.1:${port} (started by the kit: pid ${await statePid()}`);
    expect(ran.stdout).toMatch(/✓ LocalStack patches\s+every patch of the kit is applied/);
  });

  it('a frozen LocalStack (SIGSTOP) is waited for and not replaced', async () => {
    const pid = await statePid();
    process.kill(pid, 'SIGSTOP');
    let ran: Ran;
    try {
      const grading = run(['exercise', '1', '--solution', '--json']);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(processesOf(home!).localstack).toEqual([pid]);
      process.kill(pid, 'SIGCONT');
      ran = await grading;
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain(`LocalStack (pid ${pid}) is stopped (Ctrl-Z or SIGSTOP); waiting for it to continue`);
    expect(processesOf(home!).localstack).toEqual([pid]);
  });

  it('status tells the real port; NORTHPOLE_PORT naming another one is an error that says so', async () => {
    const status = await run(['localstack', 'status'], { NORTHPOLE_PORT: '' });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`answers at http://127.0.0.1:${port}`);
    const other = String(Number(port) + 1);
    const mismatch = await run(['localstack', 'status'], { NORTHPOLE_PORT: other });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(`The kit's LocalStack runs on port ${port}, not on NORTHPOLE_PORT=${other}`);
  });

  it('a namespace registry deleted by hand loses nothing: the next run finds the namespaces by name', async () => {
    const first = await run(['exercise', '1', '--solution', '--json']);
    const lost = (JSON.parse(first.stdout) as { namespace: string }).namespace;
    await fs.rm(path.join(project.stateDir, 'namespaces.json'));
    const second = await run(['exercise', '1', '--solution', '--json']);
    expect(second.code).toBe(0);
    const aws = awsClients(`http://127.0.0.1:${port}`);
    try {
      const { resources, complete } = await findNamespacedResources(aws, (namespace) => namespace === lost);
      expect(complete).toBe(true);
      expect(resources.map((resource) => resource.name)).toEqual([]);
    } finally {
      destroyClients(aws);
    }
  });

  it('status names the mode, the address, the process and its uptime', async () => {
    const status = await run(['localstack', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout.trim()).toMatch(
      new RegExp(`^LocalStack 4\\.13\\.1 answers at http://127\\.0\\.0\\.1:${port} \\(no-Docker mode: pid ${await statePid()}, in \\S+, up [^)]+\\)\\.$`),
    );
  });

  it('two projects on one port start one LocalStack between them, and both grades get their verdicts', async () => {
    await run(['localstack', 'stop']);
    // A second project with an install of its own (copied: installing takes minutes), on the same port.
    const secondHome = `${home}-second`;
    await fs.rm(secondHome, { recursive: true, force: true });
    for (const part of ['venv', 'filesystem', 'installed.json'])
      await fs.cp(path.join(home!, part), path.join(secondHome, part), { recursive: true, verbatimSymlinks: true });
    const second = await TempProject.create();
    const secondEnv = { ...env, NORTHPOLE_LOCALSTACK: 'host', NORTHPOLE_LOCALSTACK_HOME: secondHome };
    try {
      // Both cold at once, as two first grades are: the same path (ensureLocalStack) without the grade.
      const [first, other] = await Promise.all([
        run(['localstack', 'start'], { NORTHPOLE_LOCALSTACK: 'host' }),
        second.run(['localstack', 'start'], secondEnv, 240_000),
      ]);
      for (const ran of [first, other]) expect([ran.code, ran.stderr]).toEqual([0, expect.not.stringMatching(/failed unexpectedly|did not start|is taken/)]);
      const running = [...processesOf(home!).localstack, ...processesOf(secondHome).localstack];
      expect(running).toHaveLength(1);
      // The project that did not start it said whose LocalStack it uses.
      expect(`${first.stderr}\n${other.stderr}`).toMatch(
        new RegExp(`LocalStack on port ${port} was started by another project of the kit \\(.*, pid ${running[0]}\\); grading against it as a shared one`),
      );
      // Each project's grade gets its own verdict on that one LocalStack. One after the other: two
      // projects grading at once on one LocalStack can still remove each other's live namespaces
      // (the clean-up of orphaned namespaces, issue 16.3), which is not what this test is about.
      for (const grade of [
        () => run(['exercise', '1', '--solution', '--json'], { NORTHPOLE_LOCALSTACK: 'host' }),
        () => second.run(['exercise', '1', '--solution', '--json'], secondEnv, 240_000),
      ]) {
        const ran = await grade();
        expect([ran.code, ran.stderr]).toEqual([0, expect.not.stringMatching(/failed unexpectedly/)]);
        expect((JSON.parse(ran.stdout) as { status: string }).status).toBe('pass');
      }
      expect([...processesOf(home!).localstack, ...processesOf(secondHome).localstack]).toEqual(running);
    } finally {
      await second.run(['localstack', 'stop'], secondEnv);
      await second.remove();
      await fs.rm(secondHome, { recursive: true, force: true });
    }
    // The first project's LocalStack for the tests after this one.
    expect((await run(['localstack', 'start'], { NORTHPOLE_LOCALSTACK: 'host' })).code).toBe(0);
  });

  it('stop ends every process of the home, DynamoDB Local included', async () => {
    const before = processesOf(home!);
    expect(before.localstack).toHaveLength(1);
    expect(before.dynamoDb.length).toBeGreaterThanOrEqual(1);
    const ran = await run(['localstack', 'stop']);
    expect(ran.stdout).toContain(`Stopped the no-Docker LocalStack (pids ${before.localstack[0]}`);
    expect(processesOf(home!)).toEqual({ localstack: [], dynamoDb: [] });
  });

  it('use auto forgets the remembered mode; use host remembers it', async () => {
    expect((await run(['localstack', 'use', 'auto'])).code).toBe(0);
    expect(existsSync(path.join(project.stateDir, 'localstack-mode.json'))).toBe(false);
    expect((await run(['localstack', 'use', 'host'])).code).toBe(0);
    expect(JSON.parse(await project.read('.northpole', 'localstack-mode.json'))).toMatchObject({ mode: 'host' });
    expect((await run(['localstack', 'use', 'kubernetes'])).code).toBe(3);
  });
});

describe.runIf(home && port)('an interrupted first install', () => {
  const fresh = `${home}-interrupted`;
  const layout = hostLayout(readSettings({ NORTHPOLE_LOCALSTACK_HOME: fresh }));
  let project: TempProject;
  const env = () => ({ NORTHPOLE_ENDPOINT: '', NORTHPOLE_LOCALSTACK: 'host', NORTHPOLE_LOCALSTACK_HOME: fresh, NORTHPOLE_PORT: String(Number(port) + 2) });

  beforeAll(async () => {
    project = await TempProject.create();
    await fs.rm(fresh, { recursive: true, force: true });
  });
  afterAll(async () => {
    await project.run(['localstack', 'stop'], env());
    await project.remove();
    await fs.rm(fresh, { recursive: true, force: true });
  });

  /** Starts `localstack start` and kills it, with everything it started, once `stage` appears on its stderr. */
  async function interruptAt(stage: RegExp): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('kit', 'cli.ts'), 'localstack', 'start'], {
      cwd: project.root,
      env: project.environment(env()),
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${stage} did not appear: ${stderr}`)), 600_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!stage.test(stderr)) return;
        clearTimeout(timer);
        // Give the stage a moment to leave its partial state, then end the whole group, as Ctrl-C does.
        setTimeout(() => (process.kill(-child.pid!, 'SIGKILL'), resolve()), 1500);
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));
  }

  it('recovers from an interruption at each stage: virtualenv, pip, DynamoDB Local', async () => {
    await interruptAt(/Creating a virtualenv/);
    expect(await isInstalled(layout)).toBe(false);
    await interruptAt(/Installing localstack-core/);
    expect(await isInstalled(layout)).toBe(false);
    expect(await installProblem(layout)).toMatch(/interrupted/);
    await interruptAt(/Staging DynamoDB Local/);
    expect(await isInstalled(layout)).toBe(false);

    const ran = await project.run(['localstack', 'start'], env(), 600_000);
    expect([ran.code, ran.stderr]).toEqual([0, expect.stringContaining('Starting LocalStack')]);
    expect(await isInstalled(layout)).toBe(true);
    expect(await installProblem(layout)).toBeUndefined();
    const doctor = await project.run(['doctor'], env());
    expect(doctor.stdout).toMatch(/✓ LocalStack mode\s+host: .*; installed in/);
  }, 1_500_000);
});
