import type { Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeleteEventBusCommand, ListEventBusesCommand, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { NamespaceRegistry } from '../../kit/grading/namespace.ts';
import { findNamespacedResources, removeRule } from '../../kit/grading/sweep.ts';
import { DelayingProxy } from '../support/delayingProxy.ts';
import { fakeDocker } from './fakeDocker.ts';
import { TempProject } from './tempProject.ts';

const endpoint = process.env.NORTHPOLE_ENDPOINT!;
const solution = (project: TempProject) => project.read('solutions', '01-orders-bus', 'ordersBus.ts');
const returnLine = '  return { busName, busArn: busArn!, elfLogQueueUrl: elfLogQueueUrl!, elfLogQueueArn };';

/** The reference solution of exercise 1 with `code` run just before deploy() returns. */
async function solutionWith(project: TempProject, name: string, imports: string, code: string): Promise<string> {
  const source = (await solution(project))
    .replace(returnLine, `${code}\n${returnLine}`)
    .replace('import type { OrdersBus', `${imports}\nimport type { OrdersBus`);
  expect(source).toContain(code);
  await project.write(name, source);
  return project.path(name);
}

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('the kit always ends and says why', () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await TempProject.create();
  });
  afterAll(() => project.remove());

  it('exits 2 within seconds, naming the folder, when the state folder cannot be written', async () => {
    // Root ignores file modes; a state folder under a regular file fails for everyone (ENOTDIR).
    const blocker = project.path('not-a-folder');
    await fs.writeFile(blocker, 'a file where a folder should be');
    // It ends by itself (a run that hung used to need Ctrl-C): run() fails the test if it never does.
    const ran = await project.run(['exercise', '1'], { NORTHPOLE_STATE_DIR: path.join(blocker, 'state') }, 240_000);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/Cannot write .*not-a-folder/);
    expect(ran.stderr).toContain('What to do:');
    expect(ran.stderr).not.toMatch(/failed unexpectedly|    at /);
  });

  it('prints the verdict first when the results folder cannot be written, then exits 2', async () => {
    const state = project.path('state-without-results');
    await fs.mkdir(state, { recursive: true });
    await fs.writeFile(path.join(state, 'results'), 'a file where the results folder should be');
    const ran = await project.run(['exercise', '1'], { NORTHPOLE_STATE_DIR: state }, 60_000);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toMatch(/✗ Task 1: Create the orders bus/);
    expect(ran.stdout).toMatch(/0 of 4 tasks pass/);
    expect(ran.stderr).toMatch(/Cannot write .*results/);
    expect(ran.stderr).not.toMatch(/failed unexpectedly|    at /);
  });
});

describe("the learner's code", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await TempProject.create();
  });
  afterAll(() => project.remove());

  it('reaches LocalStack, never AWS, with a bare new SQSClient() and the laptop’s AWS settings set', async () => {
    const file = await solutionWith(
      project,
      'bareClient.ts',
      "import { SQSClient as BareSQS, CreateQueueCommand as CreateBare } from '@aws-sdk/client-sqs';",
      "  const bare = new BareSQS();\n  await bare.send(new CreateBare({ QueueName: np.name('bare-client') }));\n  if ((await bare.config.credentials()).accessKeyId !== 'test') throw new Error('laptop credentials');",
    );
    const laptop = {
      AWS_PROFILE: 'elf-admin',
      AWS_ACCESS_KEY_ID: 'AKIAREALLAPTOPKEY000',
      AWS_SECRET_ACCESS_KEY: 'real-secret',
      AWS_ENDPOINT_URL: 'https://sqs.us-east-1.amazonaws.com',
      AWS_REGION: 'eu-west-1',
    };
    const ran = await project.run(['exercise', '1', '--file', file, '--json'], laptop, 240_000);
    expect(ran.stderr).not.toMatch(/failed unexpectedly/);
    const verdict = JSON.parse(ran.stdout) as { status: string; namespace: string };
    expect(verdict.status).toBe('pass');
    const aws = awsClients(endpoint);
    try {
      const { QueueUrl } = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: `${verdict.namespace}-bare-client` }));
      expect(QueueUrl).toContain(`${verdict.namespace}-bare-client`);
    } finally {
      destroyClients(aws);
    }
  });

  it('an SDK call nobody awaited is reported as the learner’s, with its line, however late its answer comes (3 of 3)', async () => {
    const file = await solutionWith(
      project,
      'forgotAwait.ts',
      "import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';",
      "  np.sqs.send(new GetQueueUrlCommand({ QueueName: np.name('no-such-queue') }));",
    );
    const line = (await fs.readFile(file, 'utf8')).split('\n').findIndex((text) => text.includes('no-such-queue')) + 1;
    // LocalStack's answer to that one call comes 3 s after it was asked, long after the checks could have ended.
    const proxy = await DelayingProxy.start(endpoint, 'no-such-queue');
    try {
      for (let run = 1; run <= 3; run++) {
        const late = proxy.arrived().then(() => setTimeout(() => proxy.release(), 3000));
        const ran = await project.run(['exercise', '1', '--file', file], { NORTHPOLE_ENDPOINT: proxy.endpoint }, 240_000);
        await late;
        expect([run, ran.code]).toEqual([run, 1]);
        expect(ran.stdout).toMatch(new RegExp(`in deploy\\(\\): an error nobody awaited: .*QueueDoesNotExist.* \\(line ${line}\\)`));
        expect(ran.stderr).not.toMatch(/failed unexpectedly|    at /);
        proxy.heldCount = 0;
      }
    } finally {
      await proxy.stop();
    }
  });

  it('an SDK call nobody awaited that never answers is reported as still waiting, with its line', async () => {
    const file = await solutionWith(
      project,
      'forgotAwaitNoAnswer.ts',
      "import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';",
      "  np.sqs.send(new GetQueueUrlCommand({ QueueName: np.name('never-answered') }));",
    );
    const line = (await fs.readFile(file, 'utf8')).split('\n').findIndex((text) => text.includes('never-answered')) + 1;
    const proxy = await DelayingProxy.start(endpoint, 'never-answered');
    try {
      const ran = await project.run(['exercise', '1', '--file', file], { NORTHPOLE_ENDPOINT: proxy.endpoint, NORTHPOLE_DEPLOY_TIMEOUT_MS: '15000' }, 240_000);
      expect(proxy.heldCount).toBe(1);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toMatch(
        new RegExp(`in deploy\\(\\): an AWS call nobody awaited had no answer yet when deploy\\(\\) returned: GetQueueUrlCommand \\(line ${line}\\)`),
      );
      expect(ran.stderr).not.toMatch(/failed unexpectedly|    at /);
    } finally {
      await proxy.stop();
    }
  });

  it('a deploy() that never ends is reported in deploy(), at its line, not at a task TODO', async () => {
    const file = project.path('spins.ts');
    await fs.writeFile(
      file,
      [
        "import type { NorthPole } from '#northpole/northPole';",
        '',
        'export async function deploy(np: NorthPole): Promise<void> {',
        '  let elf = np.name("elf").length;',
        '  while (elf >= 0) {',
        '    elf = (elf + 1) % 7;',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const ran = await project.run(['exercise', '1', '--file', file], { NORTHPOLE_DEPLOY_TIMEOUT_MS: '3000' });
    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(/in deploy\(\): deploy\(\) did not finish within 3 s \(it was at line \d+\)/);
    const reported = Number(/it was at line (\d+)/.exec(ran.stdout)?.[1]);
    expect([5, 6]).toContain(reported);
    expect(ran.stdout).toMatch(new RegExp(`Look at: .*spins\\.ts, line ${reported} \\(where deploy\\(\\) stopped\\)`));
    expect(ran.stdout).not.toContain('TODO');
  });

  it('resources of the run removed by someone else are reported as such, not as the learner’s task', async () => {
    const waiting = project.path('removed-deploy-is-waiting');
    const go = project.path('removed-deploy-may-go-on');
    // deploy() waits, its resources made, while someone else (this test) removes its elf log.
    const file = await solutionWith(
      project,
      'removedMeanwhile.ts',
      "import { existsSync, writeFileSync } from 'node:fs';",
      `  writeFileSync(${JSON.stringify(waiting)}, elfLogQueueUrl!);\n  while (!existsSync(${JSON.stringify(go)})) await new Promise((resolve) => setTimeout(resolve, 50));`,
    );
    const running = project.run(['exercise', '1', '--file', file], { NORTHPOLE_DEPLOY_TIMEOUT_MS: '600000' }, 700_000);
    while (!(await fs.stat(waiting).catch(() => undefined))) await new Promise((resolve) => setTimeout(resolve, 50));
    const aws = awsClients(endpoint);
    try {
      await aws.sqs.send(new DeleteQueueCommand({ QueueUrl: await fs.readFile(waiting, 'utf8') }));
    } finally {
      destroyClients(aws);
    }
    await fs.writeFile(go, '');
    const ran = await running;
    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(
      /Your code: deploy\(\) created np[0-9a-z]{5}-elf-log, and it is gone, though no call of yours removed it: someone else on this LocalStack/,
    );
    expect(ran.stdout).toMatch(/Look at: +not this task/);
  });

  it('an earlier step’s resources removed by someone else mid-grade end in the note, never in a crash', async () => {
    const waiting = project.path('ex4-deploy-is-waiting');
    const go = project.path('ex4-deploy-may-go-on');
    const folder = project.path('held04');
    await fs.mkdir(folder, { recursive: true });
    await fs.copyFile(project.path('solutions', '04-fulfilment-workflow', 'fulfilment.asl.json'), path.join(folder, 'fulfilment.asl.json'));
    const source = (await project.read('solutions', '04-fulfilment-workflow', 'fulfilmentWorkflow.ts')).replace(
      '\n  return {',
      `\n  (await import('node:fs')).writeFileSync(${JSON.stringify(waiting)}, ordersBus.busName);\n  while (!(await import('node:fs')).existsSync(${JSON.stringify(go)})) await new Promise((resolve) => setTimeout(resolve, 50));\n  return {`,
    );
    expect(source).toContain(JSON.stringify(go));
    await fs.writeFile(path.join(folder, 'fulfilmentWorkflow.ts'), source);
    const running = project.run(
      ['exercise', '4', '--file', path.join(folder, 'fulfilmentWorkflow.ts'), '--json'],
      { NORTHPOLE_DEPLOY_TIMEOUT_MS: '600000' },
      700_000,
    );
    while (!(await fs.stat(waiting).catch(() => undefined))) await new Promise((resolve) => setTimeout(resolve, 50));
    // Someone else removes the orders bus the kit deployed for exercise 1, rules and all.
    const aws = awsClients(endpoint);
    try {
      const Name = await fs.readFile(waiting, 'utf8');
      const { Rules = [] } = await aws.eventBridge.send(new ListRulesCommand({ EventBusName: Name }));
      for (const rule of Rules) await removeRule(aws, rule.Name!, Name);
      await aws.eventBridge.send(new DeleteEventBusCommand({ Name }));
    } finally {
      destroyClients(aws);
    }
    await fs.writeFile(go, '');
    const ran = await running;
    expect(ran.stderr).not.toMatch(/failed unexpectedly|    at /);
    expect(ran.code).toBe(1);
    const verdict = JSON.parse(ran.stdout) as { tests: { status: string; message?: string }[] };
    const failed = verdict.tests.find((test) => test.status === 'fail');
    expect(failed?.message).toMatch(
      /the kit deployed np[0-9a-z]{5}-orders\b.* for the earlier steps this one builds on, and (it is|they are) gone: someone else on this LocalStack/,
    );
    expect(failed?.message).toMatch(/not this task/);
  });

  it('a name without the namespace is the learner’s slip, at Task 1 with its line, and is cleaned up before the next run', async () => {
    const source = (await solution(project)).replace("const busName = np.name('orders');", "const busName = 'orders';");
    expect(source).toContain("const busName = 'orders';");
    await project.write('noNamespace.ts', source);
    const line = source.split('\n').findIndex((text) => text.includes('CreateEventBusCommand({')) + 1;
    for (const run of [1, 2]) {
      const ran = await project.run(['exercise', '1', '--file', project.path('noNamespace.ts')], {}, 240_000);
      expect([run, ran.code]).toEqual([run, 1]);
      expect(ran.stdout).toMatch(/✗ Task 1: Create the orders bus/);
      expect(ran.stdout).toMatch(
        new RegExp(`deploy\\(\\) named the event bus "orders" \\(line ${line}\\) without the namespace: name it np\\.name\\('orders'\\)`),
      );
      expect(ran.stdout).toMatch(new RegExp(`Look at: +noNamespace\\.ts, line ${line}`));
      expect(ran.stdout).not.toMatch(/someone else|already exists/);
    }
    // The last run's bus stays for the learner to look at, as its namespace does; a good run removes it.
    expect((await project.run(['exercise', '1', '--solution'], {}, 240_000)).code).toBe(0);
    const aws = awsClients(endpoint);
    try {
      const { EventBuses = [] } = await aws.eventBridge.send(new ListEventBusesCommand({ NamePrefix: 'orders' }));
      expect(EventBuses.map((bus) => bus.Name)).not.toContain('orders');
    } finally {
      destroyClients(aws);
    }
  });
});

// Two projects (or a project and verify) on one LocalStack the kit started: each sweeps what it
// finds by name, so each must know the other's runs from its leases, not from its own records.
describe.runIf(process.env.NORTHPOLE_TEST_LOCALSTACK_MODE === 'host')('two projects on one LocalStack', () => {
  let busy: TempProject;
  let other: TempProject;
  const sameLocalStack = {
    NORTHPOLE_ENDPOINT: '',
    NORTHPOLE_LOCALSTACK: 'host',
    NORTHPOLE_LOCALSTACK_HOME: path.resolve(import.meta.dirname, '..', '..', '.localstack'),
    NORTHPOLE_PORT: new URL(endpoint).port,
  };
  beforeAll(async () => {
    [busy, other] = await Promise.all([TempProject.create(), TempProject.create()]);
  });
  afterAll(() => Promise.all([busy.remove(), other.remove()]));

  it("never take the other's live or kept run for an orphan; a project whose records are gone leaves orphans that are removed", async () => {
    const waiting = busy.path('deploy-is-waiting');
    const go = busy.path('deploy-may-go-on');
    // deploy() holds its run open, its resources made, until the test lets it finish.
    const file = await solutionWith(
      busy,
      'heldOpen.ts',
      "import { existsSync, writeFileSync } from 'node:fs';",
      `  writeFileSync(${JSON.stringify(waiting)}, '');\n  while (!existsSync(${JSON.stringify(go)})) await new Promise((resolve) => setTimeout(resolve, 50));`,
    );
    const held = busy.run(['exercise', '1', '--file', file, '--json'], { ...sameLocalStack, NORTHPOLE_DEPLOY_TIMEOUT_MS: '600000' }, 700_000);
    while (!(await fs.stat(waiting).catch(() => undefined))) await new Promise((resolve) => setTimeout(resolve, 50));

    // The other project grades (and sweeps) while that run is alive.
    const beside = await other.run(['exercise', '1', '--solution', '--json'], sameLocalStack, 240_000);
    expect([beside.code, beside.code === 0 ? '' : beside.stdout + beside.stderr]).toEqual([0, '']);
    await fs.writeFile(go, '');
    const ran = await held;
    expect([ran.code, ran.code === 0 ? '' : ran.stdout + ran.stderr]).toEqual([0, '']);
    const kept = (JSON.parse(ran.stdout) as { namespace: string }).namespace;

    // Its run has ended and is kept for the learner to look at: the other project's next grade leaves it.
    expect((await other.run(['exercise', '1', '--solution'], sameLocalStack, 240_000)).code).toBe(0);
    const aws = awsClients(endpoint);
    try {
      expect((await findNamespacedResources(aws, (namespace) => namespace === kept)).resources.length).toBeGreaterThan(0);
      // The busy project is deleted, records and all: its namespace is abandoned now, and goes.
      await busy.remove();
      expect((await other.run(['exercise', '1', '--solution'], sameLocalStack, 240_000)).code).toBe(0);
      const left = await findNamespacedResources(aws, (namespace) => namespace === kept);
      expect(left.complete).toBe(true);
      expect(left.resources.map((resource) => `${resource.kind} ${resource.name}`)).toEqual([]);
    } finally {
      destroyClients(aws);
    }
  }, 900_000);
});

describe('ten grades at once', () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await TempProject.create();
    await project.write('exercises/01-orders-bus/ordersBus.ts', await solution(project));
  });
  afterAll(() => project.remove());

  it('keep all ten namespaces and all ten runs in progress; the next run removes them all', async () => {
    const runs = await Promise.all(Array.from({ length: 10 }, () => project.run(['exercise', '1', '--json'], {}, 500_000)));
    for (const ran of runs) expect([ran.code, ran.stderr, ran.code === 0 ? '' : ran.stdout]).toEqual([0, expect.not.stringMatching(/failed unexpectedly/), '']);
    const namespaces = runs.map((ran) => (JSON.parse(ran.stdout) as { namespace: string }).namespace);
    expect(new Set(await new NamespaceRegistry(project.stateDir).all())).toEqual(new Set(namespaces));
    const progress = JSON.parse(await project.read('.northpole', 'progress.json')) as { exercises: Record<string, { runs: number }> };
    expect(progress.exercises['1']!.runs).toBe(10);

    const later = await project.run(['exercise', '1', '--json'], {}, 300_000);
    expect([later.code, later.code === 0 ? '' : later.stdout]).toEqual([0, '']);
    const aws = awsClients(endpoint);
    try {
      const { resources, complete } = await findNamespacedResources(aws, (namespace) => namespaces.includes(namespace));
      expect(complete).toBe(true);
      expect(resources.map((resource) => `${resource.kind} ${resource.name}`)).toEqual([]);
    } finally {
      destroyClients(aws);
    }
    expect(await new NamespaceRegistry(project.stateDir).all()).toEqual([(JSON.parse(later.stdout) as { namespace: string }).namespace]);
  }, 600_000);
});

describe('environment messages', () => {
  let project: TempProject;
  let home: string;
  beforeAll(async () => {
    project = await TempProject.create();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-empty-home-'));
  });
  afterAll(async () => {
    await project.remove();
    await fs.rm(home, { recursive: true, force: true });
  });

  it('a port held by something that is not LocalStack is named, with its holder, without waiting for it', async () => {
    const squatter = createTcpServer((socket) => socket.end());
    const port = await listen(squatter);
    try {
      const ran = await project.run(
        ['localstack', 'start'],
        { NORTHPOLE_ENDPOINT: '', NORTHPOLE_LOCALSTACK: 'host', NORTHPOLE_LOCALSTACK_HOME: home, NORTHPOLE_PORT: String(port) },
        240_000,
      );
      expect(ran.code).toBe(2);
      expect(ran.stderr).toContain(`Port ${port} is taken`);
      if (process.platform === 'linux') expect(ran.stderr).toContain(`(pid ${process.pid})`);
    } finally {
      squatter.close();
    }
  });

  it('an invalid setting is reported as given, exit 2, no stack', async () => {
    for (const [name, value] of [
      ['NORTHPOLE_ENDPOINT', 'localhost:4566'],
      ['NORTHPOLE_ENDPOINT', 'ftp://127.0.0.1:4566'],
      ['NORTHPOLE_PORT', '70000'],
    ]) {
      const ran = await project.run(['localstack', 'status'], { [name]: value });
      expect([name, ran.code]).toEqual([name, 2]);
      expect(ran.stderr).toContain(`${name} must be`);
      expect(ran.stderr).toContain(`"${value}"`);
      expect(ran.stderr).not.toMatch(/failed unexpectedly|    at /);
    }
  });

  it('auto mode with a Docker that cannot get its image and no way to run without it says what each mode lacks', async () => {
    const docker = fakeDocker();
    const port = await listen(docker);
    try {
      const env = {
        NORTHPOLE_ENDPOINT: '',
        DOCKER_HOST: `tcp://127.0.0.1:${port}`,
        NORTHPOLE_LOCALSTACK_HOME: home,
        NORTHPOLE_PYTHON: path.join(home, 'no-python'),
        NORTHPOLE_PORT: String(port),
      };
      const ran = await project.run(['localstack', 'start'], env, 30_000);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toContain('LocalStack cannot run here in either mode');
      expect(ran.stderr).toMatch(
        /Docker: the engine answers, but it has no localstack\/localstack:4\.13\.1 and cannot pull it \(the engine answered 500: .*registry/,
      );
      expect(ran.stderr).toMatch(/Without Docker: .*no-python was not found/);
      const doctor = await project.run(['doctor'], env, 30_000);
      expect(doctor.code).toBe(2);
      expect(doctor.stdout).toMatch(/✗ LocalStack mode\s+Docker: the engine answers/);
      expect(doctor.stdout).not.toContain('Everything the kit needs is in place');
    } finally {
      docker.close();
    }
  });
});
