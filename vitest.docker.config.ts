import { defineConfig } from 'vitest/config';

// The Docker group (.ci/run runs it after `npm test`, with an engine and the stand-in image): the Docker
// mode through Testcontainers and docker/compose.yml, for real. One file at a time: they share the engine.
export default defineConfig({
  test: {
    include: ['test/docker/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    // .ci/docker-group counts from this report, in CI or not.
    reporters: ['default', ['json', { outputFile: '.ci/vitest-docker-report.json' }]],
  },
});
