/**
 * A broken machine rather than a learner's mistake: LocalStack, Docker, Python, Node.
 * The CLI prints `what`, `why` and `fix` and exits with code 2 so scripts can tell the two apart.
 */
export class EnvironmentError extends Error {
  readonly what: string;
  readonly fix: string;

  constructor(what: string, why: string, fix: string) {
    super(why);
    this.name = 'EnvironmentError';
    this.what = what;
    this.fix = fix;
  }
}
