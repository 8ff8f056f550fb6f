/**
 * Wall time during which at least one AWS call (or long poll) is in flight. The benchmark compares
 * a grade's total time with this to show how much of it is the kit's own overhead.
 */
export class AwsClock {
  private inFlight = 0;
  private busySince = 0;
  private busyMs = 0;

  begin(): () => void {
    if (this.inFlight++ === 0) this.busySince = performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.inFlight === 0) this.busyMs += performance.now() - this.busySince;
    };
  }

  add(ms: number): void {
    this.busyMs += ms;
  }

  get ms(): number {
    return this.busyMs + (this.inFlight > 0 ? performance.now() - this.busySince : 0);
  }
}
