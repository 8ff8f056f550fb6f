import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { ACCOUNT_ID, REGION } from '../aws/clients.ts';
import type { AwsAnswered, AwsAnswers } from './awsAnswers.ts';
import type { Creation } from './creations.ts';

export interface LearnerCall {
  file: string;
  exportName: string;
  args: unknown[];
  endpoint: string;
  namespace: string;
  /** Calls the kit answers as AWS would, for this call (awsAnswers.ts). */
  awsAnswers?: AwsAnswers;
}

interface Timed {
  /** Time spent in AWS calls made by the function. */
  awsMs: number;
  ms: number;
  /** What the kit answered as AWS would, when the call asked for it. */
  answeredAsAws?: AwsAnswered;
}

/** What one call of the learner's code came to; `T` is what a returned value is meant to be. */
export type LearnerOutcome<T = unknown> = Timed &
  (
    | { kind: 'returned'; value: T; /** What its code created (and did not remove). */ created?: Creation[] }
    | { kind: 'threw'; message: string; line?: number }
    | {
        kind: 'load-error';
        message: string;
        /** Set when the file's top-level code threw, rather than failed to compile. */ line?: number;
        threwWhileLoading?: true;
      }
    | { kind: 'missing-export'; message: string }
    | { kind: 'timeout'; message: string; line?: number }
  );

/** What the worker thread posts: a call's outcome, an error nobody awaited, or where it waits. */
export type WorkerMessage =
  { type: 'ready' } | { type: 'outcome'; outcome: LearnerOutcome } | { type: 'unawaited'; message: string } | { type: 'where'; line?: number };

/** What the kit sends the learner host: one call, with its deadline. */
export interface KitMessage {
  id: number;
  call: LearnerCall;
  timeoutMs: number;
}

/** What the learner host sends the kit. */
export type HostMessage = { type: 'ready' } | { type: 'outcome'; id: number; outcome: LearnerOutcome } | { type: 'unawaited'; message: string };

/** How long the host may take to start (Node, the TypeScript loader, the SDK in its thread) before a call gives up on it. */
const START_DEADLINE_MS = 90_000;
/** Beyond a call's own deadline, which the host enforces: time for it to find the line and answer. */
const HOST_GRACE_MS = 15_000;

const hostFile = fileURLToPath(new URL('./learnerHost.ts', import.meta.url));

/**
 * The learner's code sees LocalStack's test credentials and nothing of the laptop's AWS set-up:
 * no profile, no keys, no config files. The endpoint itself is set for each call.
 */
export function learnerEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...kept,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCOUNT_ID: ACCOUNT_ID,
    AWS_CONFIG_FILE: os.devNull,
    AWS_SHARED_CREDENTIALS_FILE: os.devNull,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

interface Host {
  process: ChildProcess;
  /** Settles when the host said it listens, or when it ended before that. */
  ready: Promise<void>;
  /** Settles when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The learner host in a process group of its own, so that ending it ends whatever the learner's code started. */
function startHost(): Host {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), hostFile], {
    env: learnerEnvironment(),
    // The learner's console output goes where the kit's goes, as it would from their own script.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: process.platform !== 'win32',
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const ready = new Promise<void>((resolve) => {
    const onMessage = (message: HostMessage) => message.type === 'ready' && (child.off('message', onMessage), resolve());
    child.on('message', onMessage);
    void exited.then(() => resolve());
  });
  return { process: child, ready, exited };
}

/** Ends the host and everything in its process group. */
function endHost(host: Host): Promise<unknown> {
  try {
    if (process.platform === 'win32') host.process.kill('SIGKILL');
    else process.kill(-host.process.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
  return host.exited;
}

let prewarmed: Host | undefined;

/** Starts a host for the next session as early as the CLI knows it will grade. */
export function prewarmLearnerHost(): void {
  if (prewarmed) return;
  prewarmed = startHost();
  // Unreferenced until a session adopts it, so a command that never grades still exits.
  unref(prewarmed);
}

function unref(host: Host): void {
  host.process.unref();
  (host.process.channel as { unref?: () => void } | undefined)?.unref?.();
}

function ref(host: Host): void {
  host.process.ref();
  (host.process.channel as { ref?: () => void } | undefined)?.ref?.();
}

/**
 * The exercise code of a grading run, in a process of its own (the learner host) whose worker thread
 * runs each call with a deadline. A host that ends mid-call (the learner's code killed it) is
 * reported as that call's outcome; the next call starts a new one.
 */
export class LearnerSession {
  private host?: Host;
  private nextId = 0;
  /** Errors the learner's code raised that nobody awaited, in the order they came. */
  readonly unawaited: string[] = [];
  /** The call in progress: the host runs one call at a time, so each call waits for the one before. */
  private last: Promise<unknown> = Promise.resolve();

  /** Starts the host ahead of the first call: its start-up then overlaps the kit's own. */
  warm(): this {
    if (this.host) return this;
    const host = prewarmed ?? startHost();
    prewarmed = undefined;
    ref(host);
    host.process.on('message', (message: HostMessage) => {
      if (message.type === 'unawaited') this.unawaited.push(message.message);
    });
    this.host = host;
    return this;
  }

  /** Runs one exported function; calls made while another runs wait their turn, and their deadline starts with it. */
  call(call: LearnerCall, timeoutMs: number): Promise<LearnerOutcome> {
    const outcome = this.last.then(() => this.run(call, timeoutMs));
    this.last = outcome;
    return outcome;
  }

  private async run(call: LearnerCall, timeoutMs: number): Promise<LearnerOutcome> {
    const host = this.warm().host!;
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    let timer: NodeJS.Timeout | undefined;
    const startDeadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), START_DEADLINE_MS)));
    const before = await Promise.race([host.ready.then(() => 'ready' as const), startDeadline]);
    clearTimeout(timer);
    // Closed while it was starting (a cancelled grade): an ended host would never answer.
    if (this.host !== host) return { kind: 'threw', message: `${call.exportName}() did not run: the grade was cancelled.`, awsMs: 0, ms: 0 };
    if (before === 'late' || host.process.exitCode !== null || host.process.signalCode !== null) {
      this.forget(host);
      return {
        kind: 'threw',
        message: `${call.exportName}() did not run: the process for your code did not start within ${START_DEADLINE_MS / 1000} s.`,
        awsMs: 0,
        ms: elapsed(),
      };
    }
    const id = ++this.nextId;
    return new Promise<LearnerOutcome>((resolve) => {
      const settle = (outcome: LearnerOutcome) => {
        clearTimeout(backstop);
        host.process.off('message', onMessage);
        resolve(outcome);
      };
      const onMessage = (message: HostMessage) => {
        if (message.type === 'outcome' && message.id === id) settle(message.outcome);
      };
      host.process.on('message', onMessage);
      void host.exited.then(({ code, signal }) => {
        this.forget(host);
        settle({
          kind: 'threw',
          message: `${call.exportName}() ended the process it ran in (${signal ? `signal ${signal}` : `exit code ${code}`}).`,
          awsMs: 0,
          ms: elapsed(),
        });
      });
      // The host enforces the call's deadline itself; this is for a host that stopped answering.
      const backstop = setTimeout(() => {
        this.forget(host);
        settle({
          kind: 'timeout',
          message: `${call.exportName}() did not finish within ${timeoutMs / 1000} s, and the process it ran in stopped answering.`,
          awsMs: 0,
          ms: elapsed(),
        });
      }, timeoutMs + HOST_GRACE_MS);
      host.process.send({ id, call, timeoutMs } satisfies KitMessage);
    });
  }

  /** Ends a host that can no longer be used; the next call starts another. */
  private forget(host: Host): void {
    if (this.host === host) this.host = undefined;
    void endHost(host);
  }

  async close(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    if (host) await endHost(host);
  }
}
