import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { AwsClock } from '../aws/awsClock.ts';
import { ACCOUNT_ID, REGION, awsClients, preloadClientPackages, type AwsClients } from '../aws/clients.ts';
import { namespacedName, type NorthPole } from '../northPole.ts';
import { answeredAsAws, beginAnswers, installAwsAnswers } from './awsAnswers.ts';
import type { LearnerCall, LearnerOutcome, WorkerMessage } from './learnerSession.ts';

// Runs exported functions of exercise files in a thread of their own, so that a syntax error, a
// throw or an endless loop in them becomes a message for the learner instead of a crash of the kit.
const clientsByEndpoint = new Map<string, AwsClients>();

/** The file of the call under way: errors nobody awaited are located in it. */
let currentFile = '';
/** The line of the learner's file that made the last AWS call: where an await that never resolves most likely waits. */
let lastCallLine: number | undefined;
/** Creations the learner's code made in this call, by resource name, so the kit can tell later whether they still exist. */
let created: string[] = [];

// The worker starts while the kit is still loading; by the first call, exercise files import the SDK from cache.
preloadClientPackages();
installAwsAnswers();

const post = (message: WorkerMessage) => parentPort!.postMessage(message);
// The learner's deadline starts from here: a slow start of the thread (a busy laptop) is not their code's time.
post({ type: 'ready' });

// A promise nobody awaited, or a throw from a timer, is the learner's mistake: reported, never fatal.
// A rejection handled a moment later (libraries do this) is not reported: only one still unhandled after a short grace.
const unhandled = new Map<Promise<unknown>, string>();
process.on('unhandledRejection', (reason, promise) => {
  unhandled.set(promise, `an error nobody awaited: ${describeThrow(reason, currentFile)}`);
  setTimeout(() => {
    const message = unhandled.get(promise);
    unhandled.delete(promise);
    if (message) post({ type: 'unawaited', message });
  }, 100);
});
process.on('rejectionHandled', (promise) => unhandled.delete(promise));
process.on('uncaughtException', (error) => post({ type: 'unawaited', message: `an error thrown outside deploy()'s own flow (a timer or a callback): ${describeThrow(error, currentFile)}` }));

parentPort!.on('message', (message: LearnerCall | { type: 'where' }) => {
  if ('type' in message) return post({ type: 'where', line: lastCallLine });
  beginAnswers(message.awsAnswers);
  void run(message).then((outcome) => post({ type: 'outcome', outcome: { ...outcome, ...answeredAsAws() } }));
});

async function run(call: LearnerCall): Promise<LearnerOutcome> {
  const clock = new AwsClock();
  const started = performance.now();
  currentFile = call.file;
  lastCallLine = undefined;
  created = [];
  // Any client the learner builds (`new SQSClient()`) goes to the kit's LocalStack, never to AWS.
  process.env.AWS_ENDPOINT_URL = call.endpoint;
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
  let value: unknown;
  try {
    value = await fn(timed, ...call.args);
  } catch (error) {
    return { kind: 'threw', message: describeThrow(error, call.file), line: lineOf(error, call.file), awsMs: clock.ms, ms: performance.now() - started };
  }
  try {
    return { kind: 'returned', value: JSON.parse(JSON.stringify(value ?? null)) as unknown, created, awsMs: clock.ms, ms: performance.now() - started };
  } catch (error) {
    return { kind: 'threw', message: `${call.exportName}() returned a value that cannot be passed on (${(error as Error).message}); return plain data: names, ARNs, URLs`, awsMs: clock.ms, ms: performance.now() - started };
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
    Object.defineProperty(northPole, key, { enumerable: true, get: () => timedSend(shared[key], clock, call.file) });
  }
  return northPole;
}

/** Input fields that name what a Create or Put call makes. */
const NAME_FIELDS = ['QueueName', 'Name', 'TableName', 'RoleName', 'name', 'ArchiveName'];

function timedSend<T extends { send: (...args: never[]) => Promise<unknown> }>(client: T, clock: AwsClock, file: string): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (...args: never[]) => {
        // Taken while the learner's frame is still on the stack: an await forgotten on this call is located by it.
        const callSite = lineOf(new Error(), file);
        if (callSite) lastCallLine = callSite;
        const command = args[0] as { constructor: { name: string }; input?: Record<string, unknown> } | undefined;
        const end = clock.begin();
        try {
          const result = await target.send(...args);
          const name = NAME_FIELDS.map((field) => command?.input?.[field]).find((value) => typeof value === 'string') as string | undefined;
          if (name && /^(Create|Put)/.test(command!.constructor.name)) created.push(name);
          // What deploy() removes itself is not missing later.
          if (name && /^Delete/.test(command!.constructor.name)) created = created.filter((made) => made !== name);
          return result;
        } catch (error) {
          if (callSite && error instanceof Error && !lineOf(error, file)) Object.defineProperty(error, 'learnerLine', { value: callSite });
          throw error;
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

/** The line of the learner's file an error came from: its own stack, or the AWS call it failed in. */
function lineOf(error: unknown, file: string): number | undefined {
  if (!(error instanceof Error) || !file) return undefined;
  const frame = error.stack?.split('\n').find((line) => line.includes(file));
  const where = frame ? /:(\d+):\d+\)?$/.exec(frame.trim()) : null;
  return where ? Number(where[1]) : ((error as { learnerLine?: number }).learnerLine ?? undefined);
}

/** The error's name and message, and the line of the learner's file it came from; any thrown value, not only Errors. */
function describeThrow(error: unknown, file: string): string {
  if (!(error instanceof Error)) return `the value ${safeInspect(error)} (throw an Error to get a line number)`;
  const line = lineOf(error, file);
  return `${error.name}: ${error.message}${line ? ` (line ${line})` : ''}`;
}

function safeInspect(value: unknown): string {
  try {
    return inspect(value, { depth: 2, breakLength: Infinity, maxStringLength: 200 });
  } catch {
    return Object.prototype.toString.call(value);
  }
}
