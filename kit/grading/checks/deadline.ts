// A grader waits for real traffic with a deadline. On a busy laptop LocalStack answers slowly, and a
// deadline that only watched the clock would turn that slowness into the learner's miss, with a
// message that names a wait that is not the one that happened. A Deadline times each call it makes
// to LocalStack and moves itself back by what a call took beyond what it asked for (a long poll asks
// for its WaitTimeSeconds), up to a cap: patient under load, with no race against the clock, and
// within() names the wait as it happened.

/** A call LocalStack answers promptly takes at most this much beyond the wait it asked for. */
const PROMPT_ANSWER_MS = 250;
/** However slowly LocalStack answers, a wait lasts at most this many times what was asked. */
const MOST_PATIENCE = 3;
/** A wait that ran this much past what was asked says so. */
const NOTICEABLY_LONGER_MS = 1_000;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`.replace('.0 s', ' s');

export class Deadline {
  private readonly started = Date.now();
  private slowMs = 0;
  private endedAt?: number;

  constructor(readonly askedMs: number) {}

  /** A wait of `deadline` ms, or the Deadline a grader made to name the wait in its message afterwards. */
  static of(deadline: number | Deadline): Deadline {
    return typeof deadline === 'number' ? new Deadline(deadline) : deadline;
  }

  /** One call to LocalStack that takes `waitMs` by design (a long poll); what it takes beyond that moves the deadline back. */
  async call<T>(run: () => Promise<T>, waitMs = 0): Promise<T> {
    const before = Date.now();
    try {
      return await run();
    } finally {
      this.slowMs += Math.max(0, Date.now() - before - waitMs - PROMPT_ANSWER_MS);
    }
  }

  /** When the wait ends: what was asked, plus LocalStack's slowness so far, capped. */
  get endsAt(): number {
    return this.started + this.askedMs + Math.min(this.slowMs, (MOST_PATIENCE - 1) * this.askedMs);
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  /** Whether the wait is over; the first time it is, the time is kept for within(). */
  passed(): boolean {
    const passed = Date.now() >= this.endsAt;
    if (passed) this.endedAt ??= Date.now();
    return passed;
  }

  /**
   * The wait for a message: "within 10 s", or, when it took noticeably longer on the clock,
   * "within 10 s (23 s on the clock: LocalStack answered slowly)".
   */
  within(): string {
    const tookMs = (this.endedAt ?? Date.now()) - this.started;
    const asked = `within ${seconds(this.askedMs)}`;
    if (tookMs < this.askedMs + NOTICEABLY_LONGER_MS) return asked;
    return `${asked} (${seconds(tookMs)} on the clock${this.slowMs >= NOTICEABLY_LONGER_MS ? ': LocalStack answered slowly' : ''})`;
  }
}
