import { Worker } from 'node:worker_threads';

export interface LearnerCall {
  file: string;
  exportName: string;
  args: unknown[];
  endpoint: string;
  namespace: string;
}

interface Timed {
  /** Time spent in AWS calls made by the function. */
  awsMs: number;
  ms: number;
}

export type LearnerOutcome = Timed &
  (
    | { kind: 'returned'; value: unknown }
    | { kind: 'threw'; message: string }
    | { kind: 'load-error'; message: string }
    | { kind: 'missing-export'; message: string }
    | { kind: 'timeout'; message: string }
  );

const workerFile = new URL('./learnerWorker.ts', import.meta.url);

function startWorker(): Worker {
  return new Worker(workerFile, {
    // Set explicitly: a worker started under a test runner does not inherit the TypeScript loader.
    execArgv: ['--import', 'tsx'],
    stdout: false,
    stderr: false,
  });
}

let prewarmed: Worker | undefined;

/** Starts a worker for the next session as early as the CLI knows it will grade. */
export function prewarmLearnerWorker(): void {
  // Unreferenced until a session adopts it, so a command that never grades still exits.
  if (prewarmed) return;
  prewarmed = startWorker();
  prewarmed.unref();
}

/**
 * One worker thread for the exercise code of a grading run. A call that overruns its deadline
 * terminates the worker (the only way to stop a synchronous endless loop); the next call starts a new one.
 */
export class LearnerSession {
  private worker?: Worker;
  /** The call in progress: the worker runs one call at a time, so each call waits for the one before. */
  private last: Promise<unknown> = Promise.resolve();

  /** Starts the worker ahead of the first call: its start-up then overlaps the kit's own. */
  warm(): this {
    if (!this.worker && prewarmed) {
      prewarmed.ref();
      this.worker = prewarmed;
      prewarmed = undefined;
    }
    this.worker ??= startWorker();
    return this;
  }

  /** Runs one exported function in the worker; calls made while another runs wait their turn, and their deadline starts with it. */
  call(call: LearnerCall, timeoutMs: number): Promise<LearnerOutcome> {
    const outcome = this.last.then(() => this.run(call, timeoutMs));
    this.last = outcome;
    return outcome;
  }

  private run(call: LearnerCall, timeoutMs: number): Promise<LearnerOutcome> {
    const worker = this.warm().worker!;
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
      const onMessage = (outcome: LearnerOutcome) => settle(outcome);
      const onError = (error: Error) => stop({ kind: 'threw', message: `${error.name}: ${error.message}`, awsMs: 0, ms: elapsed() });
      const onExit = (code: number) => stop({ kind: 'threw', message: `${call.exportName}() ended the process (exit code ${code}).`, awsMs: 0, ms: elapsed() });
      const timer = setTimeout(
        () => stop({ kind: 'timeout', message: `${call.exportName}() did not finish within ${timeoutMs / 1000} s: a loop that never ends, or an await that never resolves?`, awsMs: 0, ms: elapsed() }),
        timeoutMs,
      );
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage(call);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
