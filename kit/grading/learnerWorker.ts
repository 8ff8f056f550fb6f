import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { AwsClock } from '../aws/awsClock.ts';
import { ACCOUNT_ID, REGION, awsClients } from '../aws/clients.ts';
import { namespacedName, type NorthPole } from '../northPole.ts';
import type { LearnerCall, LearnerOutcome, LearnerSessionOptions } from './learnerSession.ts';

// Runs exported functions of exercise files in a thread of their own, so that a syntax error, a
// throw or an endless loop in them becomes a message for the learner instead of a crash of the kit.
const options = workerData as LearnerSessionOptions;
const clients = awsClients(options.endpoint);
const northPole: NorthPole = {
  ...clients,
  region: REGION,
  accountId: ACCOUNT_ID,
  namespace: options.namespace,
  name: (base: string) => namespacedName(options.namespace, base),
};

parentPort!.on('message', (call: LearnerCall) => {
  void run(call).then((outcome) => parentPort!.postMessage(outcome));
});

async function run(call: LearnerCall): Promise<LearnerOutcome> {
  const clock = new AwsClock();
  const started = performance.now();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(call.file).href)) as Record<string, unknown>;
  } catch (error) {
    return { kind: 'load-error', message: describeLoadError(error, call.file), awsMs: 0, ms: performance.now() - started };
  }
  const fn = module[call.exportName];
  if (typeof fn !== 'function') {
    return { kind: 'missing-export', message: `The file does not export a function named ${call.exportName}.`, awsMs: 0, ms: performance.now() - started };
  }
  const timed = withClock(clock);
  try {
    const value: unknown = await fn(timed, ...call.args);
    return { kind: 'returned', value: JSON.parse(JSON.stringify(value ?? null)) as unknown, awsMs: clock.ms, ms: performance.now() - started };
  } catch (error) {
    return { kind: 'threw', message: describeThrow(error, call.file), awsMs: clock.ms, ms: performance.now() - started };
  }
}

/** The same clients, each call timed on this call's clock. */
function withClock(clock: AwsClock): NorthPole {
  const timedSend = <T extends { send: (...args: never[]) => Promise<unknown> }>(client: T): T =>
    new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
        return async (...args: never[]) => {
          const end = clock.begin();
          try {
            return await target.send(...args);
          } finally {
            end();
          }
        };
      },
    });
  return {
    ...northPole,
    apiGateway: timedSend(clients.apiGateway),
    dynamoDb: timedSend(clients.dynamoDb),
    eventBridge: timedSend(clients.eventBridge),
    iam: timedSend(clients.iam),
    sfn: timedSend(clients.sfn),
    sns: timedSend(clients.sns),
    sqs: timedSend(clients.sqs),
  };
}

function describeLoadError(error: unknown, file: string): string {
  const message = (error as Error).message ?? String(error);
  const located = message.split('\n').find((line) => line.includes('ERROR:'));
  if (located) {
    const match = /:(\d+):(\d+): ERROR: (.*)$/.exec(located);
    if (match) return `${match[3]} (line ${match[1]}, column ${Number(match[2]) + 1})`;
  }
  return message.replaceAll(pathToFileURL(file).href, 'your file').split('\n').slice(0, 3).join('\n');
}

/** The error's name and message, and the line of the learner's file it came from. */
function describeThrow(error: unknown, file: string): string {
  if (!(error instanceof Error)) return `threw ${JSON.stringify(error)}`;
  const frame = error.stack?.split('\n').find((line) => line.includes(file));
  const where = frame ? /:(\d+):\d+\)?$/.exec(frame.trim()) : null;
  return `${error.name}: ${error.message}${where ? ` (line ${where[1]})` : ''}`;
}
