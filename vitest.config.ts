import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Docker group needs an engine and an image: vitest.docker.config.ts, run by .ci/run.
    exclude: ['test/docker/**', '**/node_modules/**'],
    // LocalStack is started (and, on a fresh machine, installed) once for the whole run.
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // One test file at a time, and at most three grades at once inside it: every file grades against
    // the one LocalStack, and steps with retry waits and task-token timeouts race real deadlines.
    maxWorkers: 1,
    maxConcurrency: 3,
    // CI reads the pass/fail counts from this report (.ci/run prints them as its last line).
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/vitest-report.json' }]] : ['default'],
  },
});
