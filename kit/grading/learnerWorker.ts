import { createRequire } from 'node:module';
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { AwsClock } from '../aws/awsClock.ts';
import { ACCOUNT_ID, REGION, awsClients, preloadClientPackages, type AwsClients } from '../aws/clients.ts';
import { namespacedName, type NorthPole } from '../northPole.ts';
import { answeredAsAws, beginAnswers, installAwsAnswers } from './awsAnswers.ts';
import { creationBy, deletes, type Creation } from './creations.ts';
import type { LearnerCall, LearnerOutcome, WorkerMessage } from './learnerSession.ts';

// Runs exported functions of exercise files in a thread of their own, so that a syntax error, a
// throw or an endless loop in them becomes a message for the learner instead of a crash of the kit.
const clientsByEndpoint = new Map<string, AwsClients>();

/** The file of the call under way: errors nobody awaited are located in it. */
let currentFile = '';
/** The line of the learner's file that made the last AWS call: where an await that never resolves most likely waits. */
let lastCallLine: number | undefined;
/** What the code created in this call, so the kit can tell later whether it still exists, and remove it. */
let created: Creation[] = [];

// The worker starts while the kit is still loading; by the first call, exercise files import the SDK from cache.
const clientClasses = preloadClientPackages();
installAwsAnswers();

/**
 * Every AWS call the code started that has not answered yet, with the line that started it: a call
 * nobody awaited may answer after the function returned, and its error is the learner's all the same.
 */
const inFlight = new Map<Promise<unknown>, { command: string; line?: number }>();
trackEverySend();

/** A call as the thread receives it: with the deadline its host enforces. */
type TimedCall = LearnerCall & { deadlineMs: number };

const post = (message: WorkerMessage) => parentPort!.postMessage(message);
// The learner's deadline starts from here: a slow start of the thread (a busy laptop) is not their code's time.
post({ type: 'ready' });

// A promise nobody awaited, or a throw from a timer, is the learner's mistake: reported, never fatal.
// A rejection handled a moment later (libraries do this) is not reported: only one still unhandled after a short grace.
const unhandled = new Map<Promise<unknown>, string>();
/** Rejections inside their grace: a call's outcome is posted after them, so the grade hears them first. */
const reporting = new Set<Promise<void>>();
process.on('unhandledRejection', (reason, promise) => {
  unhandled.set(promise, `an error nobody awaited: ${describeThrow(reason, currentFile)}`);
  const report = delay(100).then(() => {
    const message = unhandled.get(promise);
    unhandled.delete(promise);
    reporting.delete(report);
    if (message) post({ type: 'unawaited', message });
  });
  reporting.add(report);
});
process.on('rejectionHandled', (promise) => unhandled.delete(promise));
process.on('uncaughtException', (error) =>
  post({ type: 'unawaited', message: `an error thrown outside deploy()'s own flow (a timer or a callback): ${describeThrow(error, currentFile)}` }),
);

parentPort!.on('message', (message: TimedCall | { type: 'where' }) => {
  if ('type' in message) return post({ type: 'where', line: lastCallLine });
  beginAnswers(message.awsAnswers);
  void run(message)
    .then(async (outcome) => (await settle(message, outcome), outcome))
    .then((outcome) => post({ type: 'outcome', outcome: { ...outcome, ...answeredAsAws() } }));
});

/**
 * Waits, before a call's outcome is posted, for every AWS call its code started to answer, up to the
 * call's deadline: an error nobody awaited is then reported whatever its timing, and a call that is
 * still waiting at the deadline is reported as such.
 */
async function settle(call: TimedCall, outcome: LearnerOutcome): Promise<void> {
  const until = performance.now() - outcome.ms + call.deadlineMs - SETTLE_MARGIN_MS;
  while (inFlight.size > 0 && performance.now() < until) {
    await Promise.race([Promise.allSettled(inFlight.keys()), delay(Math.max(0, until - performance.now()))]);
  }
  for (const { command, line } of inFlight.values()) {
    post({
      type: 'unawaited',
      message: `an AWS call nobody awaited had no answer yet when ${call.exportName}() returned: ${command}${line ? ` (line ${line})` : ''}`,
    });
  }
  inFlight.clear();
  // Rejections are announced once the current turn ends; then each waits out its grace.
  await nextTurn();
  await Promise.all(reporting);
}

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
    // Code outside any function that throws is not a compile error: its own line says where.
    const line = error instanceof SyntaxError ? undefined : lineOf(error, call.file);
    if (line) return { kind: 'load-error', message: describeThrow(error, call.file), line, threwWhileLoading: true, awsMs: 0, ms: performance.now() - started };
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
    return {
      kind: 'threw',
      message: `${call.exportName}() returned a value that cannot be passed on (${(error as Error).message}); return plain data: names, ARNs, URLs`,
      awsMs: clock.ms,
      ms: performance.now() - started,
    };
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

/** Time left at the end of a call's deadline for the outcome to reach the kit before the worker is stopped. */
const SETTLE_MARGIN_MS = 1_000;

/**
 * Wraps `send` of every SDK client class (np.* and any the learner builds share them), so each call
 * is tracked until it answers. The learner holds a promise of its own: one they never await still
 * rejects unhandled, and is reported.
 */
function trackEverySend(): void {
  const require = createRequire(import.meta.url);
  const base = (require('@smithy/core/client') as { Client: { prototype: object } }).Client;
  const owners = new Set<object>([base.prototype]);
  for (const clientClass of clientClasses) {
    let prototype: object | null = clientClass.prototype;
    while (prototype && !Object.hasOwn(prototype, 'send')) prototype = Object.getPrototypeOf(prototype) as object | null;
    if (prototype) owners.add(prototype);
  }
  for (const owner of owners) {
    const send = (owner as { send: (...args: unknown[]) => unknown }).send;
    Object.defineProperty(owner, 'send', {
      configurable: true,
      writable: true,
      value: function trackedSend(this: unknown, ...args: unknown[]) {
        const answer = send.apply(this, args);
        // The callback form returns nothing: its errors go to the callback.
        if (!(answer instanceof Promise)) return answer;
        const line = lineOf(new Error(), currentFile);
        const command = args[0] as { constructor?: { name?: string }; input?: Record<string, unknown> } | undefined;
        const commandName = command?.constructor?.name ?? 'an AWS call';
        inFlight.set(answer, { command: commandName, line });
        return new Promise((resolve, reject) =>
          answer.then(
            (value) => {
              inFlight.delete(answer);
              const creation = creationBy(commandName, command?.input, value as Record<string, unknown>, line);
              if (creation) created.push(creation);
              // What the code removes itself is not missing later.
              created = created.filter((made) => !deletes(commandName, command?.input, made));
              resolve(value);
            },
            (error: unknown) => {
              inFlight.delete(answer);
              // The SDK's stack does not reach the learner's code: the line that made the call stands in.
              if (line && error instanceof Error && !lineOf(error, currentFile))
                Object.defineProperty(error, 'learnerLine', { value: line, configurable: true });
              reject(error);
            },
          ),
        );
      },
    });
  }
}

function timedSend<T extends { send: (...args: never[]) => Promise<unknown> }>(client: T, clock: AwsClock, file: string): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (...args: never[]) => {
        // Taken while the learner's frame is still on the stack: an await forgotten on this call is located by it.
        const callSite = lineOf(new Error(), file);
        if (callSite) lastCallLine = callSite;
        const end = clock.begin();
        try {
          return await target.send(...args);
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
