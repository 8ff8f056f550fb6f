import { Session } from 'node:inspector/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { LearnerCall, LearnerOutcome, WorkerMessage } from './learnerSession.ts';

/** How long the worker may take to start (TypeScript loader, SDK) before the first call's deadline begins anyway. */
const START_DEADLINE_MS = 60_000;

const workerFile = new URL('./learnerWorker.ts', import.meta.url);

/** A new worker thread, and when it has started (or failed to, or taken too long). */
function startWorker(): { worker: Worker; ready: Promise<void> } {
  const worker = new Worker(workerFile, {
    // Set explicitly: a worker does not inherit the TypeScript loader.
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdout: false,
    stderr: false,
  });
  const ready = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      resolve();
    };
    const onMessage = (message: WorkerMessage) => message.type === 'ready' && done();
    const timer = setTimeout(done, START_DEADLINE_MS);
    timer.unref();
    worker.on('message', onMessage);
    worker.once('exit', done);
    worker.once('error', done);
  });
  return { worker, ready };
}

/**
 * One worker thread for the exercise code of a grading run, inside the learner host process. A call
 * that overruns its deadline terminates the worker (the only way to stop a synchronous endless loop);
 * the next call starts a new one.
 */
export class LearnerThread {
  private worker?: Worker;
  private ready: Promise<void> = Promise.resolve();
  /** `onUnawaited` hears each error the learner's code raised that nobody awaited, as it comes. */
  constructor(private readonly onUnawaited: (message: string) => void) {}

  /** Starts the worker ahead of the first call: its start-up then overlaps the kit's own. */
  warm(): this {
    if (this.worker) return this;
    const { worker, ready } = startWorker();
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'unawaited') this.onUnawaited(message.message);
    });
    this.ready = ready;
    this.worker = worker;
    return this;
  }

  /** Runs one exported function in the worker; the kit's session sends one call at a time. */
  async call(call: LearnerCall, timeoutMs: number): Promise<LearnerOutcome> {
    const worker = this.warm().worker!;
    await this.ready;
    // Closed while it was starting (a cancelled grade): a terminated worker would never answer.
    if (this.worker !== worker) return { kind: 'threw', message: `${call.exportName}() did not run: the grade was cancelled.`, awsMs: 0, ms: 0 };
    const started = performance.now();
    return new Promise((resolve) => {
      const settle = (outcome: LearnerOutcome) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(outcome);
      };
      const stop = (outcome: LearnerOutcome) => {
        this.worker = undefined;
        void worker.terminate();
        settle(outcome);
      };
      const elapsed = () => performance.now() - started;
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'outcome') settle(message.outcome);
      };
      const onError = (error: unknown) =>
        stop({ kind: 'threw', message: `an error the kit could not place: ${(error as Error)?.message ?? String(error)}`, awsMs: 0, ms: elapsed() });
      const onExit = (code: number) => stop({ kind: 'threw', message: `${call.exportName}() ended the process (exit code ${code}).`, awsMs: 0, ms: elapsed() });
      const timer = setTimeout(() => {
        worker.off('exit', onExit);
        void whereItWaits(worker, call.file).then((line) =>
          stop({
            kind: 'timeout',
            message: `${call.exportName}() did not finish within ${timeoutMs / 1000} s${line ? ` (it was at line ${line})` : ''}: a loop that never ends, or an await that never resolves?`,
            line,
            awsMs: 0,
            ms: elapsed(),
          }),
        );
      }, timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ ...call, deadlineMs: timeoutMs });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

/**
 * The line of `file` a worker is at when its deadline passes. A busy worker (an endless loop) is
 * paused through the inspector and its stack read, source-mapped; an idle one (an await that never
 * resolves) answers itself with the line of its last AWS call. Undefined when neither answers in time.
 */
async function whereItWaits(worker: Worker, file: string): Promise<number | undefined> {
  const notAnswered = Symbol('busy');
  const answer = await new Promise<number | undefined | typeof notAnswered>((resolve) => {
    const timer = setTimeout(() => (worker.off('message', onWhere), resolve(notAnswered)), 300);
    const onWhere = (message: WorkerMessage) => {
      if (message.type !== 'where') return;
      clearTimeout(timer);
      worker.off('message', onWhere);
      resolve(message.line);
    };
    worker.on('message', onWhere);
    worker.postMessage({ type: 'where' });
  });
  if (answer !== notAnswered) return answer;
  const deadline = delay(2000, undefined, { ref: false });
  return Promise.race([pausedLine(worker, file), deadline]);
}

async function pausedLine(worker: Worker, file: string): Promise<number | undefined> {
  const session = new Session();
  session.connect();
  try {
    const attached = new Promise<string>((resolve) => {
      session.on('NodeWorker.attachedToWorker', ({ params }) => {
        // The inspector's own worker ids differ from thread ids; its title names the thread.
        if (params.workerInfo.title.startsWith(`[worker ${worker.threadId}]`)) resolve(params.sessionId);
      });
    });
    await session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
    const sessionId = await attached;
    let nextId = 0;
    const replies = new Map<number, (reply: { result?: { result?: { value?: unknown } } }) => void>();
    let onPaused: (frames: { callFrameId: string }[]) => void = () => {};
    const paused = new Promise<{ callFrameId: string }[]>((resolve) => (onPaused = resolve));
    session.on('NodeWorker.receivedMessageFromWorker', ({ params }) => {
      const message = JSON.parse(params.message) as { id?: number; method?: string; params?: { callFrames: { callFrameId: string }[] } };
      if (message.id !== undefined) replies.get(message.id)?.(message as { result?: { result?: { value?: unknown } } });
      else if (message.method === 'Debugger.paused') onPaused(message.params!.callFrames);
    });
    const send = (method: string, params: object = {}) =>
      new Promise<{ result?: { result?: { value?: unknown } } }>((resolve) => {
        const id = ++nextId;
        replies.set(id, resolve);
        void session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) });
      });
    void send('Debugger.enable');
    void send('Debugger.pause');
    const frames = await paused;
    // Evaluated in the paused frame, an Error's stack is source-mapped like any other: lines of the file as written.
    const evaluated = await send('Debugger.evaluateOnCallFrame', { callFrameId: frames[0]!.callFrameId, expression: 'new Error().stack' });
    await send('Debugger.resume');
    await session.post('NodeWorker.detach', { sessionId });
    const frame = String(evaluated.result?.result?.value ?? '')
      .split('\n')
      .find((line) => line.includes(file) && !line.includes('eval at'));
    const match = frame ? /:(\d+):\d+\)?$/.exec(frame.trim()) : null;
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  } finally {
    session.disconnect();
  }
}
