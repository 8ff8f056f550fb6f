/** Exit codes scripts and CI can rely on: a learner's mistake is not a broken machine. */
export const ExitCode = {
  Pass: 0,
  Fail: 1,
  /** LocalStack, Docker, Python, Java or Node is missing or broken. */
  Environment: 2,
  /** The command line itself was wrong. */
  Usage: 3,
} as const;
