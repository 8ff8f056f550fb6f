import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ValidateStateMachineDefinitionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { gradeExercise, gradeTarget } from '../../kit/grading/gradeExercise.ts';
import { readHealth } from '../../kit/localstack/health.ts';
import { HostLocalStack } from '../../kit/localstack/host/hostLocalStack.ts';
import { hostLayout } from '../../kit/localstack/host/install.ts';
import { isLoopback, listeningAddresses } from './listeningSockets.ts';
import { ensureLocalStack } from '../../kit/localstack/runtime.ts';
import { readSettings } from '../../kit/localstack/settings.ts';
import { EnvironmentError } from '../../kit/environmentError.ts';
import { newNamespace } from '../../kit/grading/namespace.ts';

const endpoint = process.env.NORTHPOLE_ENDPOINT!;
const nonLoopback = Object.values(os.networkInterfaces())
  .flat()
  .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

describe('the LocalStack the tests run against', () => {
  it('is 4.13.1 with every service of the track ready', async () => {
    const health = await readHealth(endpoint);
    expect(health?.version).toBe('4.13.1');
    for (const service of ['apigateway', 'events', 'stepfunctions', 'sqs', 'sns', 'dynamodb', 'iam']) {
      expect([service, health?.services[service]]).toEqual([service, 'running']);
    }
  });

  it('runs DynamoDB (DynamoDB Local on the staged JDK) and Step Functions for real', async () => {
    const aws = awsClients(endpoint);
    const TableName = `${newNamespace()}-orders`;
    await aws.dynamoDb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      }),
    );
    await aws.dynamoDb.send(new PutItemCommand({ TableName, Item: { orderId: { S: 'o-1' } }, ConditionExpression: 'attribute_not_exists(orderId)' }));
    await expect(
      aws.dynamoDb.send(new PutItemCommand({ TableName, Item: { orderId: { S: 'o-1' } }, ConditionExpression: 'attribute_not_exists(orderId)' })),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect((await aws.dynamoDb.send(new GetItemCommand({ TableName, Key: { orderId: { S: 'o-1' } } }))).Item).toEqual({ orderId: { S: 'o-1' } });
    const { result, diagnostics } = await aws.sfn.send(
      new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify({ StartAt: 'Wrap', States: { Wrap: { Type: 'Pass', End: true } } }) }),
    );
    expect({ result, diagnostics }).toEqual({ result: 'OK', diagnostics: [] });
    destroyClients(aws);
  });
});

// Runs where the tests started the no-Docker mode (CI, and any machine without a Docker engine).
describe.runIf(process.env.NORTHPOLE_TEST_LOCALSTACK_MODE === 'host')('the no-Docker LocalStack', () => {
  // The no-Docker mode as the tests started it: its port is NORTHPOLE_PORT's, never a fixed one.
  const settings = readSettings({ NORTHPOLE_PORT: process.env.NORTHPOLE_PORT });
  const host = new HostLocalStack(settings);

  it('is found again by the next run instead of being started twice', async () => {
    const said: string[] = [];
    const again = await ensureLocalStack((line) => said.push(line), settings);
    expect(again).toMatchObject({ mode: 'host', endpoint: host.endpoint, version: '4.13.1' });
    expect(await host.running()).toEqual(again);
    // Nothing was installed or started: the warm path says nothing.
    expect(said.filter((line) => /Starting|Installing|Creating/.test(line))).toEqual([]);
  });

  it('answers on 127.0.0.1 and not on the machine’s network address', async () => {
    expect(nonLoopback, 'this machine has a non-loopback IPv4 address to try').toBeDefined();
    expect(await connects('127.0.0.1', settings.hostPort)).toBe(true);
    expect(await connects(nonLoopback!, settings.hostPort)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('listens on loopback only, DynamoDB Local included', async () => {
    const { pid } = JSON.parse(readFileSync(hostLayout(settings).state, 'utf8')) as { pid: number };
    const sockets = listeningAddresses(pid);
    // The gateway, and DynamoDB Local on a port of its own.
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    expect(sockets.filter((socket) => !isLoopback(socket.address))).toEqual([]);
    for (const socket of sockets) expect(await connects(nonLoopback!, socket.port)).toBe(false);
  });
});

describe('when LocalStack is not there', () => {
  it('grading says the environment is broken instead of blaming the learner', async () => {
    const error = await gradeExercise(gradeTarget(1), {
      localstack: { mode: 'endpoint', endpoint: 'http://127.0.0.1:9', version: '4.13.1' },
      sweep: false,
    }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).what).toMatch(/LocalStack stopped answering at http:\/\/127.0.0.1:9/);
  });

  it('a named endpoint that does not answer is reported with what to do', async () => {
    const error = await ensureLocalStack(() => {}, readSettings({ NORTHPOLE_ENDPOINT: 'http://127.0.0.1:9' })).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).fix).toMatch(/docker compose|unset NORTHPOLE_ENDPOINT/);
  });
});

describe('another emulator at NORTHPOLE_ENDPOINT', () => {
  /** A server on loopback that answers with `handle`; its address. */
  async function serve(handle: http.RequestListener): Promise<{ endpoint: string; close: () => void }> {
    const server = http.createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => server.close() };
  }

  it('with no /_localstack/health route but every service answering, is used, and named an emulator, not LocalStack', async () => {
    // The tests' LocalStack behind a server that hides its health route, as moto has none.
    const proxy = await serve((request, response) => {
      if (request.url?.startsWith('/_localstack/')) return void response.writeHead(404).end();
      const upstream = http.request(new URL(request.url ?? '/', endpoint), { method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      request.pipe(upstream);
    });
    try {
      const started = await ensureLocalStack(() => {}, readSettings({ NORTHPOLE_ENDPOINT: proxy.endpoint }));
      expect(started).toMatchObject({ mode: 'endpoint', endpoint: proxy.endpoint, notLocalStack: true });
    } finally {
      proxy.close();
    }
  });

  it('whose health route names services its own way and whose services refuse: says which, with the call and the answer', async () => {
    const fake = await serve((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/_localstack/health')
        return void response.end(JSON.stringify({ version: '1.0.0', services: { states: 'available', sqs: 'available' } }));
      response.writeHead(404).end(JSON.stringify({ message: 'no such route here' }));
    });
    try {
      const error = await ensureLocalStack(() => {}, readSettings({ NORTHPOLE_ENDPOINT: fake.endpoint })).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect((error as EnvironmentError).what).toBe(
        `The emulator at ${fake.endpoint} (an emulator that calls itself version 1.0.0) lacks services the track needs`,
      );
      expect((error as EnvironmentError).message).toMatch(/stepfunctions \(ListStateMachines: .*HTTP 404/);
      expect((error as EnvironmentError).fix).toContain('npm run doctor -- --track');
    } finally {
      fake.close();
    }
  });
});
