import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { AwsClock } from '../aws/awsClock.ts';
import { ACCOUNT_ID, REGION, awsClients, preloadClientPackages, type AwsClients } from '../aws/clients.ts';
import { namespacedName, type NorthPole } from '../northPole.ts';
import type { LearnerCall, LearnerOutcome } from './learnerSession.ts';

// Runs exported functions of exercise files in a thread of their own, so that a syntax error, a
// throw or an endless loop in them becomes a message for the learner instead of a crash of the kit.
const clientsByEndpoint = new Map<string, AwsClients>();

// The worker starts while the kit is still loading; by the first call, exercise files import the SDK from cache.
preloadClientPackages();

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
  const timed = withClock(clock, call);
  try {
    const value: unknown = await fn(timed, ...call.args);
    return { kind: 'returned', value: JSON.parse(JSON.stringify(value ?? null)) as unknown, awsMs: clock.ms, ms: performance.now() - started };
  } catch (error) {
    return { kind: 'threw', message: describeThrow(error, call.file), awsMs: clock.ms, ms: performance.now() - started };
  }
}

/** The namespaced context of one call, each AWS request timed on its clock; clients load on first use. */
function withClock(clock: AwsClock, call: LearnerCall): NorthPole {
  let clients = clientsByEndpoint.get(call.endpoint);
  if (!clients) clientsByEndpoint.set(call.endpoint, (clients = awsClients(call.endpoint)));
  const shared = clients;
  const northPole = {
    region: REGION,
    accountId: ACCOUNT_ID,
    namespace: call.namespace,
    name: (base: string) => namespacedName(call.namespace, base),
  } as NorthPole;
  for (const key of Object.keys(shared) as (keyof AwsClients)[]) {
    Object.defineProperty(northPole, key, { enumerable: true, get: () => timedSend(shared[key], clock) });
  }
  return northPole;
}

function timedSend<T extends { send: (...args: never[]) => Promise<unknown> }>(client: T, clock: AwsClock): T {
  return new Proxy(client, {
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
