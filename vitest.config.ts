import { defineConfig } from 'vitest/config';

/**
 * Tests that need no LocalStack, no Docker and no network, and race no real deadline: `npm run test:unit`
 * runs them alone in seconds. A file belongs here only if it passes with NORTHPOLE_ENDPOINT pointing at a
 * closed port.
 */
const UNIT_TESTS = ['test/unit/**/*.test.ts', 'test/board/badInput.test.ts', 'test/tracker/trackerServer.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // CI reads the pass/fail counts from this report (.ci/run prints them as its last line).
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/vitest-report.json' }]] : ['default'],
    projects: [
      // First, and side by side: these files share nothing. (With groupOrder 0 and 1, vitest 5.1 ran them last.)
      { test: { name: 'unit', include: UNIT_TESTS, sequence: { groupOrder: 1 } } },
      {
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          // The Docker group needs an engine and an image: vitest.docker.config.ts, run by .ci/run.
          exclude: [...UNIT_TESTS, 'test/docker/**', '**/node_modules/**'],
          // LocalStack is started (and, on a fresh machine, installed) once for the whole run.
          globalSetup: ['test/globalSetup.ts'],
          // One test file at a time, and at most three grades at once inside it: every file grades against
          // the one LocalStack, and steps with retry waits and task-token timeouts race real deadlines.
          maxWorkers: 1,
          maxConcurrency: 3,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
