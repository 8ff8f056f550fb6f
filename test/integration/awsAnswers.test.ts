import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LearnerSession, type LearnerOutcome } from '../../kit/grading/learnerSession.ts';
import { newNamespace } from '../../kit/grading/namespace.ts';

// The kit answers some calls of the learner's code as AWS would (kit/grading/awsAnswers.ts), even those
// of a client the learner builds alone.
const fixture = path.resolve(import.meta.dirname, '../fixtures/learner/awsAnswers.ts');
const session = new LearnerSession();
const where = { endpoint: process.env.NORTHPOLE_ENDPOINT!, namespace: newNamespace() };
afterAll(() => session.close());

const value = (outcome: LearnerOutcome) => (outcome.kind === 'returned' ? outcome.value : outcome);

describe('calls answered as AWS would answer them', () => {
  it('refuses SendTaskSuccess with an output that is not JSON (InvalidOutput), as AWS does and LocalStack does not', async () => {
    const outcome = await session.call({ file: fixture, exportName: 'answersInPlainText', args: [], ...where }, 20_000);
    expect(outcome).toMatchObject({ kind: 'threw', message: expect.stringMatching(/^InvalidOutput: Invalid output: "approved" is not JSON/) });
  });

  it('shows a polling loop a replay STARTING, then RUNNING, then as it really ended, and counts the calls', async () => {
    const replayName = value(await session.call({ file: fixture, exportName: 'startsReplay', args: ['poll'], ...where }, 20_000)) as string;
    const outcome = await session.call(
      { file: fixture, exportName: 'pollsReplay', args: [replayName, 100], ...where, awsAnswers: { replay: { runningMs: 500 } } },
      20_000,
    );
    expect(value(outcome)).toEqual(['STARTING', 'RUNNING', 'COMPLETED']);
    const { calls, states } = outcome.answeredAsAws!.describeReplay;
    expect(states.STARTING).toBe(1);
    expect(states.COMPLETED).toBe(1);
    // A pause of 100 ms in 500 ms of RUNNING: a handful of calls, never hundreds.
    expect(states.RUNNING).toBeGreaterThanOrEqual(1);
    expect(states.RUNNING).toBeLessThanOrEqual(6);
    expect(calls).toBe(states.STARTING + states.RUNNING + states.COMPLETED);
  });

  it('lets a loop without a pause show itself by the number of its calls', async () => {
    const replayName = value(await session.call({ file: fixture, exportName: 'startsReplay', args: ['tight'], ...where }, 20_000)) as string;
    const outcome = await session.call(
      { file: fixture, exportName: 'pollsReplay', args: [replayName, 0], ...where, awsAnswers: { replay: { runningMs: 500 } } },
      20_000,
    );
    expect(value(outcome)).toEqual(['STARTING', 'RUNNING', 'COMPLETED']);
    expect(outcome.answeredAsAws!.describeReplay.states.RUNNING).toBeGreaterThan(100);
  });

  it('can report a replay FAILED, with a reason', async () => {
    const replayName = value(await session.call({ file: fixture, exportName: 'startsReplay', args: ['fails'], ...where }, 20_000)) as string;
    const outcome = await session.call(
      { file: fixture, exportName: 'pollsReplay', args: [replayName, 50], ...where, awsAnswers: { replay: { runningMs: 200, fails: true } } },
      20_000,
    );
    expect(value(outcome)).toEqual(['STARTING', 'RUNNING', 'FAILED']);
  });

  it('answers as LocalStack does when no grader asks', async () => {
    const replayName = value(await session.call({ file: fixture, exportName: 'startsReplay', args: ['plain'], ...where }, 20_000)) as string;
    const outcome = await session.call({ file: fixture, exportName: 'pollsReplay', args: [replayName, 50], ...where }, 20_000);
    expect(value(outcome)).toEqual(['COMPLETED']);
    expect(outcome.answeredAsAws).toBeUndefined();
  });
});
