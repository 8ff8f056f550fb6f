import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from '../../kit/grading/checks/deadline.ts';

// The clock is faked: these tests are about what a Deadline does with the time LocalStack takes, not
// about how long anything takes here.
const answerAfter = (ms: number) => () => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('a Deadline', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  async function call(deadline: Deadline, tookMs: number, waitMs = 0) {
    const answered = deadline.call(answerAfter(tookMs), waitMs);
    await vi.advanceTimersByTimeAsync(tookMs);
    await answered;
  }

  it('ends when asked while LocalStack answers promptly, and names the wait as asked', async () => {
    const deadline = new Deadline(10_000);
    for (let poll = 0; poll < 10; poll += 1) await call(deadline, 1_050, 1_000);
    expect(deadline.passed()).toBe(true);
    expect(deadline.within()).toBe('within 10 s');
  });

  it('moves back by what the polls took beyond what they asked for, and says so', async () => {
    const deadline = new Deadline(10_000);
    // Long polls of 1 s that LocalStack answered after 3 s: 2 s late each, less the prompt allowance.
    for (let poll = 0; poll < 5; poll += 1) await call(deadline, 3_000, 1_000);
    expect(deadline.passed()).toBe(false);
    expect(deadline.endsAt).toBe(10_000 + 5 * (2_000 - 250));
    while (!deadline.passed()) await call(deadline, 1_000, 1_000);
    expect(deadline.within()).toBe('within 10 s (19 s on the clock: LocalStack answered slowly)');
  });

  it('counts a call that asks for no wait as late by all it took beyond a prompt answer', async () => {
    const deadline = new Deadline(5_000);
    await call(deadline, 4_250);
    expect(deadline.endsAt).toBe(5_000 + 4_000);
  });

  it('waits at most three times what was asked, however slowly LocalStack answers', async () => {
    const deadline = new Deadline(10_000);
    await call(deadline, 60_000, 1_000);
    expect(deadline.endsAt).toBe(30_000);
    expect(deadline.passed()).toBe(true);
    expect(deadline.within()).toBe('within 10 s (60 s on the clock: LocalStack answered slowly)');
  });

  it('names a wait that overran without LocalStack being slow by the clock alone', async () => {
    const deadline = new Deadline(2_000);
    await vi.advanceTimersByTimeAsync(3_500);
    expect(deadline.passed()).toBe(true);
    expect(deadline.within()).toBe('within 2 s (3.5 s on the clock)');
  });

  it('keeps the time the wait ended, not the time its message was written', async () => {
    const deadline = new Deadline(2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(deadline.passed()).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(deadline.within()).toBe('within 2 s');
  });
});
