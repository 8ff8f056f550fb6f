import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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

  it('says which export is missing', async () => {
    const outcome = await session.call({ file: behaviours, exportName: 'placeOrder', args: [], ...where }, 10_000);
    expect(outcome).toMatchObject({ kind: 'missing-export', message: 'The file does not export a function named placeOrder.' });
  });

  it('turns an unreachable endpoint into a thrown error the grader can show', async () => {
    const outcome = await session.call({ file: behaviours, exportName: 'callsAws', args: [], ...where }, 20_000);
    expect(outcome.kind).toBe('threw');
  });
});
