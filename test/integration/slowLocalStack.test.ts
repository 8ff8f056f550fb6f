import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { gradeExercise, gradeTarget } from '../../kit/grading/gradeExercise.ts';
import { NamespaceRegistry } from '../../kit/grading/namespace.ts';
import { removeNamespace } from '../../kit/grading/sweep.ts';
import { findExercise } from '../../kit/track.ts';

// A busy laptop, made on purpose: a proxy in front of LocalStack answers every SQS ReceiveMessage
// 2 s late. A grade that waits for an order that never comes waits longer than asked, and its
// message names the wait that happened rather than the one it asked for.
const RECEIVE_DELAY_MS = 2_000;
const repository = path.resolve(import.meta.dirname, '..', '..');
const folder = path.join(repository, 'test', 'wrong-answers', '.generated', 'slow-localstack');
const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-slow-'));

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const forward = () => {
      const upstream = http.request(
        new URL(request.url ?? '/', process.env.NORTHPOLE_ENDPOINT),
        { method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => response.destroy());
      upstream.end(Buffer.concat(chunks));
    };
    if (request.headers['x-amz-target'] === 'AmazonSQS.ReceiveMessage') setTimeout(forward, RECEIVE_DELAY_MS);
    else forward();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);
  await Promise.all((await new NamespaceRegistry(stateDir).all()).map((namespace) => removeNamespace(aws, namespace)));
  destroyClients(aws);
  await fs.rm(stateDir, { recursive: true, force: true });
});

describe('a grade on a LocalStack that answers slowly', () => {
  it('waits longer for the traffic and says how long it waited on the clock', async () => {
    // The producer forgets EventBusName: the order goes to the default bus and never reaches the orders bus.
    const solution = await fs.readFile(path.join(repository, 'solutions', '01-orders-bus', 'ordersBus.ts'), 'utf8');
    const defaultBus = solution.replace('EventBusName: bus.busName, ', '');
    expect(defaultBus).not.toBe(solution);
    await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, 'ordersBus.ts');
    await fs.writeFile(file, defaultBus);

    const result = await gradeExercise(gradeTarget(findExercise(1), file), { stateDir, localstack: { mode: 'endpoint', endpoint, version: '4.13.1' } });
    const failed = result.tasks.find((task) => task.status === 'fail');
    expect(failed?.id).toBe(4);
    const missed = failed?.path?.hops.find((hop) => hop.kind === 'missed');
    expect(missed?.detail).toMatch(/^none arrived within 10 s \(\d+(\.\d)? s on the clock: LocalStack answered slowly\)$/);
  });
});
