import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { answeredWithoutCli } from '../../kit/commands/aws.ts';
import { exerciseDir, loadTrack } from '../../kit/track.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './tempProject.ts';

const awsCliInstalled = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

describe('npm run aws: looking around what a grade built', () => {
  let project: TempProject;
  let namespace: string;

  beforeAll(async () => {
    project = await TempProject.create();
    const graded = await project.run(['exercise', '1', '--solution']);
    expect(graded.code, graded.stdout + graded.stderr).toBe(0);
    // The report's last line says where LocalStack is and which namespace the run used.
    const where = /LocalStack: (\S+) · namespace (np[a-z0-9]+) · look around: npm run aws -- sqs list-queues --queue-name-prefix np[a-z0-9]+/.exec(
      graded.stdout,
    );
    expect(where, graded.stdout).not.toBeNull();
    expect(where![1]).toBe(process.env.NORTHPOLE_ENDPOINT);
    namespace = where![2]!;
  });
  afterAll(() => project.remove());

  it('without the AWS CLI: lists the run’s queues and reads the order from the elf log, as JSON', async () => {
    const listed = await project.run(['aws', 'sqs', 'list-queues', '--queue-name-prefix', namespace], { NORTHPOLE_AWS_CLI: '0' });
    expect(listed.code, listed.stderr).toBe(0);
    const queueUrl = (JSON.parse(listed.stdout).QueueUrls as string[]).find((url) => url.endsWith(`/${namespace}-elf-log`));
    expect(queueUrl).toBeDefined();

    const rules = await project.run(['aws', 'events', 'list-rules', '--event-bus-name', `${namespace}-orders`], { NORTHPOLE_AWS_CLI: '0' });
    expect(JSON.parse(rules.stdout).Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ Name: `${namespace}-elf-log-observer`, State: 'ENABLED' })]),
    );

    // The grader read its own orders from the elf log; place one more, as a learner would, with the entries as JSON.
    const orderId = `look-${namespace}`;
    const entries = JSON.stringify([
      { EventBusName: `${namespace}-orders`, Source: 'northpole.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId }) },
    ]);
    const put = await project.run(['aws', 'events', 'put-events', '--entries', entries], { NORTHPOLE_AWS_CLI: '0' });
    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.stdout)).toMatchObject({ FailedEntryCount: 0 });
    const received = await project.run(
      ['aws', 'sqs', 'receive-message', '--queue-url', queueUrl!, '--max-number-of-messages', '10', '--wait-time-seconds', '10'],
      { NORTHPOLE_AWS_CLI: '0' },
    );
    expect(received.code, received.stderr).toBe(0);
    const { Messages = [], $metadata } = JSON.parse(received.stdout) as { Messages?: { Body: string }[]; $metadata?: unknown };
    expect($metadata).toBeUndefined();
    expect(Messages.map((message) => JSON.parse(message.Body).detail.orderId)).toContain(orderId);
  });

  it('without the AWS CLI: runs one state with TestState, the definition and input given as JSON text (Step Functions takes camelCase)', async () => {
    const definition = JSON.stringify({
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.detail.list', IsPresent: true },
            { Variable: '$.detail.list', StringEquals: 'naughty' },
          ],
          Next: 'Coal',
        },
      ],
      Default: 'Toy',
    });
    const args = ['aws', 'stepfunctions', 'test-state', '--role-arn', 'arn:aws:iam::000000000000:role/look-around', '--definition', definition, '--input'];
    const naughty = await project.run([...args, '{"detail":{"list":"naughty"}}'], { NORTHPOLE_AWS_CLI: '0' });
    expect(naughty.code, naughty.stderr).toBe(0);
    expect(JSON.parse(naughty.stdout)).toMatchObject({ status: 'SUCCEEDED', nextState: 'Coal' });
    const unlisted = await project.run([...args, '{"detail":{}}'], { NORTHPOLE_AWS_CLI: '0' });
    expect(JSON.parse(unlisted.stdout)).toMatchObject({ status: 'SUCCEEDED', nextState: 'Toy' });
  });

  it('runs TestState through the SDK even where the AWS CLI is installed: the CLI would send it to sync-127.0.0.1', async () => {
    const definition = JSON.stringify({ Type: 'Pass', Result: { outcome: 'shipped' }, End: true });
    const ran = await project.run([
      'aws',
      'stepfunctions',
      'test-state',
      '--role-arn',
      'arn:aws:iam::000000000000:role/look-around',
      '--definition',
      definition,
      '--input',
      '{}',
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const { status, output } = JSON.parse(ran.stdout) as { status: string; output: string };
    expect({ status, output: JSON.parse(output) }).toEqual({ status: 'SUCCEEDED', output: { outcome: 'shipped' } });
  });

  it('without the AWS CLI: a call it does not answer exits 3 and lists those it does', async () => {
    const ran = await project.run(['aws', 'iam', 'list-roles'], { NORTHPOLE_AWS_CLI: '0' });
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('sqs list-queues | receive-message');
    expect(ran.stderr).toContain('install the AWS CLI');
  });

  it('without the AWS CLI: names every object has (constructor, __proto__) are refused as usage, never a crash', async () => {
    for (const args of [
      ['constructor', 'x'],
      ['__proto__', 'x'],
      ['sqs', 'list-queues', '--__proto__', '{"polluted":true}'],
    ]) {
      const ran = await project.run(['aws', ...args], { NORTHPOLE_AWS_CLI: '0' });
      expect([args, ran.code]).toEqual([args, 3]);
      expect(ran.stderr).not.toMatch(/failed unexpectedly|    at /);
    }
  });

  it.runIf(awsCliInstalled)('with the AWS CLI: runs it against the kit’s LocalStack with a region and test credentials', async () => {
    const ran = await project.run(['aws', 'events', 'list-event-buses', '--name-prefix', namespace], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
    });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout).EventBuses).toEqual([expect.objectContaining({ Name: `${namespace}-orders` })]);
  });
});

describe("the exercises' look-around lines", () => {
  const readmes = loadTrack().exercises.map((exercise) => ({ exercise, text: readFileSync(`exercises/${exerciseDir(exercise)}/README.md`, 'utf8') }));

  it('go through npm run aws (the kit’s endpoint, region and credentials), never a fixed --endpoint-url', () => {
    for (const { exercise, text } of readmes) expect(text, `exercise ${exercise.number}`).not.toMatch(/aws --endpoint-url/);
  });

  it('name only calls that npm run aws answers without the AWS CLI too', () => {
    const calls = readmes.flatMap(({ exercise, text }) =>
      [...text.matchAll(/npm run aws -- ([a-z0-9]+) ([a-z-]+)/g)].map((match) => ({ exercise: exercise.number, service: match[1]!, command: match[2]! })),
    );
    expect(calls.length).toBeGreaterThan(20);
    expect(calls.filter((call) => !answeredWithoutCli(call.service, call.command))).toEqual([]);
  });
});
