import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../kit/fileLock.ts';
import { LearnerSession } from '../../kit/grading/learnerSession.ts';

const behaviours = path.resolve(import.meta.dirname, '../fixtures/learner/behaviours.ts');
// Nothing listens on port 9: these calls must not need LocalStack.
const session = new LearnerSession();
const where = { endpoint: 'http://127.0.0.1:9', namespace: 'nptest00' };
afterAll(() => session.close());

describe("running the learner's code", () => {
  it('passes the namespaced context and returns what the function returns', async () => {
    const outcome = await session.call({ file: behaviours, exportName: 'namesThings', args: ['orders'], ...where }, 10_000);
    expect(outcome).toMatchObject({ kind: 'returned', value: { name: 'nptest00-orders', region: 'us-east-1' } });
  });

  it('stops a synchronous endless loop at the deadline and keeps working afterwards', async () => {
    const outcome = await session.call({ file: behaviours, exportName: 'spinsForever', args: [], ...where }, 1500);
    expect(outcome.kind).toBe('timeout');
    expect(outcome).toMatchObject({ message: expect.stringMatching(/spinsForever\(\) did not finish within 1.5 s/) });
    const after = await session.call({ file: behaviours, exportName: 'namesThings', args: ['x'], ...where }, 10_000);
    expect(after.kind).toBe('returned');
  });

  it('stops an await that never resolves', async () => {
    expect((await session.call({ file: behaviours, exportName: 'neverResolves', args: [], ...where }, 1000)).kind).toBe('timeout');
  });

  it("reports a throw as the learner's, with its line", async () => {
    const outcome = await session.call({ file: behaviours, exportName: 'throwsTypeError', args: [], ...where }, 10_000);
    expect(outcome).toMatchObject({ kind: 'threw', message: 'TypeError: the sleigh has no wheels (line 17)' });
  });

  it('reports a syntax error with its line instead of crashing', async () => {
    const file = path.resolve(import.meta.dirname, '../fixtures/broken/syntaxError.ts');
    const outcome = await session.call({ file, exportName: 'deploy', args: [], ...where }, 10_000);
    expect(outcome.kind).toBe('load-error');
    expect(outcome).toMatchObject({ message: expect.stringMatching(/line 5/) });
  });

  it('tells a throw at the top of the file, with its line, from a file that does not compile', async () => {
    const file = path.resolve(import.meta.dirname, '../fixtures/broken/throwsWhileLoading.ts');
    const outcome = await session.call({ file, exportName: 'deploy', args: [], ...where }, 10_000);
    expect(outcome).toMatchObject({ kind: 'load-error', threwWhileLoading: true, line: 2, message: 'RangeError: no reindeer to pull the sleigh (line 2)' });
  });

  it('says which export is missing', async () => {
    const outcome = await session.call({ file: behaviours, exportName: 'placeOrder', args: [], ...where }, 10_000);
    expect(outcome).toMatchObject({ kind: 'missing-export', message: 'The file does not export a function named placeOrder.' });
  });

  it('turns an unreachable endpoint into a thrown error the grader can show', async () => {
    const outcome = await session.call({ file: behaviours, exportName: 'callsAws', args: [], ...where }, 20_000);
    expect(outcome.kind).toBe('threw');
  });
});

/** Waits until the session has heard of `count` errors nobody awaited, or the deadline passes. */
async function unawaited(session: LearnerSession, count: number, timeoutMs = 10_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  while (session.unawaited.length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  return session.unawaited;
}

describe('learner code that fails outside its own flow', () => {
  it("reports an SDK call nobody awaited as the learner's, with its line, 10 runs of 10", async () => {
    for (let run = 0; run < 10; run++) {
      const own = new LearnerSession();
      try {
        const outcome = await own.call({ file: behaviours, exportName: 'forgetsAnAwait', args: [], ...where }, 10_000);
        expect(outcome).toMatchObject({ kind: 'returned', value: 'deployed' });
        // Heard before the outcome: the call's answer is waited for, not raced.
        expect(own.unawaited).toEqual([expect.stringMatching(/^an error nobody awaited: .*\(line 26\)$/)]);
      } finally {
        await own.close();
      }
    }
  });

  it("hears an AWS call nobody awaited on the learner's own client, before the outcome", async () => {
    const own = new LearnerSession();
    try {
      expect(await own.call({ file: behaviours, exportName: 'forgetsAnAwaitOnABareClient', args: [], ...where }, 10_000)).toMatchObject({ kind: 'returned' });
      expect(own.unawaited).toEqual([expect.stringMatching(/^an error nobody awaited: .*\(line 70\)$/)]);
    } finally {
      await own.close();
    }
  });

  it('reports an AWS call nobody awaited that has no answer by the deadline, with its line', async () => {
    // An endpoint that takes the connection and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const own = new LearnerSession();
    try {
      const endpoint = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
      expect(await own.call({ file: behaviours, exportName: 'forgetsAnAwait', args: [], endpoint, namespace: where.namespace }, 3_000)).toMatchObject({
        kind: 'returned',
      });
      expect(own.unawaited).toEqual(['an AWS call nobody awaited had no answer yet when forgetsAnAwait() returned: GetQueueUrlCommand (line 26)']);
    } finally {
      await own.close();
      silent.close();
    }
  });

  it('reports a throw from a timer after the function returned, 10 runs of 10, and keeps working', async () => {
    for (let run = 0; run < 10; run++) {
      const own = new LearnerSession();
      try {
        expect(await own.call({ file: behaviours, exportName: 'throwsFromATimer', args: [], ...where }, 10_000)).toMatchObject({ kind: 'returned' });
        expect(await unawaited(own, 1)).toEqual([expect.stringMatching(/RangeError: the reindeer count went negative \(line 32\)$/)]);
        expect(await own.call({ file: behaviours, exportName: 'namesThings', args: ['x'], ...where }, 10_000)).toMatchObject({ kind: 'returned' });
      } finally {
        await own.close();
      }
    }
  });

  it('describes any thrown value: a string, a circular object, a rejection carrying a BigInt', async () => {
    expect(await session.call({ file: behaviours, exportName: 'throwsAString', args: [], ...where }, 10_000)).toMatchObject({
      kind: 'threw',
      message: expect.stringContaining("'no presents today'"),
    });
    expect(await session.call({ file: behaviours, exportName: 'throwsACircularObject', args: [], ...where }, 10_000)).toMatchObject({
      kind: 'threw',
      message: expect.stringContaining("reason: 'loop'"),
    });
    const own = new LearnerSession();
    try {
      expect(await own.call({ file: behaviours, exportName: 'rejectsLaterWithACircularObject', args: [], ...where }, 10_000)).toMatchObject({
        kind: 'returned',
      });
      expect(await unawaited(own, 1)).toEqual([expect.stringContaining('10n')]);
    } finally {
      await own.close();
    }
  });

  it('survives code that kills its own process, and runs the next call', async () => {
    const own = new LearnerSession();
    try {
      expect(await own.call({ file: behaviours, exportName: 'killsItsProcess', args: [], ...where }, 10_000)).toMatchObject({
        kind: 'threw',
        message: 'killsItsProcess() ended the process it ran in (signal SIGTERM).',
      });
      expect(await own.call({ file: behaviours, exportName: 'namesThings', args: ['x'], ...where }, 10_000)).toMatchObject({ kind: 'returned' });
    } finally {
      await own.close();
    }
  });

  it.skipIf(process.platform === 'win32')('ends the processes the code started when the session closes', async () => {
    const own = new LearnerSession();
    const outcome = await own.call({ file: behaviours, exportName: 'leavesAProcessRunning', args: [], ...where }, 10_000);
    const pid = (outcome as { value: number }).value;
    expect(isAlive(pid)).toBe(true);
    await own.close();
    // Killed with its group; the kernel may take a moment to reap it.
    const until = Date.now() + 30_000;
    while (isAlive(pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(pid)).toBe(false);
  });

  it('says at which line an endless loop was when its deadline passed', async () => {
    const outcome = await session.call({ file: behaviours, exportName: 'spinsAtLine', args: [], ...where }, 1500);
    expect(outcome).toMatchObject({ kind: 'timeout', line: expect.any(Number) });
    expect([56, 57]).toContain((outcome as { line: number }).line);
    expect((await session.call({ file: behaviours, exportName: 'namesThings', args: ['x'], ...where }, 10_000)).kind).toBe('returned');
  });

  it('says at which AWS call an await that never resolves was last', async () => {
    const outcome = await session.call({ file: behaviours, exportName: 'neverResolves', args: [], ...where }, 1000);
    expect(outcome).toMatchObject({ kind: 'timeout' });
  });
});
