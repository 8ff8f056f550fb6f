import path from 'node:path';
import { EnvironmentError } from '../environmentError.ts';
import { readHealth, servicesNotReady } from './health.ts';
import { HostLocalStack } from './host/hostLocalStack.ts';
import { rememberMode, resolveMode } from './mode.ts';
import { LOCALSTACK_VERSION, readSettings, type LocalStackSettings } from './settings.ts';
import type { StartedLocalStack } from './started.ts';

/**
 * The one entry point graders and commands use: an endpoint with the track's services ready,
 * starting LocalStack when needed. Everything after this talks to the endpoint only.
 */
export async function ensureLocalStack(
  say: (line: string) => void = () => {},
  settings: LocalStackSettings = readSettings(),
): Promise<StartedLocalStack> {
  if (settings.endpoint) return useExisting(settings.endpoint);

  // The warm path: the no-Docker LocalStack from an earlier run is still up.
  const host = new HostLocalStack(settings);
  if (settings.requested !== 'docker') {
    const running = await host.running(say);
    if (running) return running;
  }
  const choice = await resolveMode(settings);
  if (choice.remember) {
    await rememberMode(settings.modeFile, choice.mode as 'host', choice.reason).catch(() => undefined);
    say(`${choice.reason}; remembered in ${path.relative(process.cwd(), settings.modeFile)} (\`npm run localstack -- use auto\` tries Docker again)`);
  } else {
    say(`LocalStack mode: ${choice.mode} (${choice.reason})`);
  }
  if (choice.mode === 'host') return host.start(say);
  // Loaded only here: testcontainers is large and the warm path never needs it.
  const { startDockerLocalStack } = await import('./docker/dockerLocalStack.ts');
  return startDockerLocalStack(settings, say);
}

async function useExisting(endpoint: string): Promise<StartedLocalStack> {
  // A busy LocalStack (a room grading at once) can take seconds to answer; nothing there fails at once.
  const health = await readHealth(endpoint, 10_000);
  if (!health) {
    throw new EnvironmentError(
      `Nothing answers at ${endpoint}`,
      'NORTHPOLE_ENDPOINT points at a LocalStack that is not running or not reachable.',
      'Start it (e.g. `docker compose -f docker/compose.yml up -d`) or unset NORTHPOLE_ENDPOINT to let the kit start one.',
    );
  }
  const notReady = servicesNotReady(health);
  if (notReady.length > 0) {
    throw new EnvironmentError(
      `LocalStack at ${endpoint} lacks services the track needs`,
      `Not ready: ${notReady.join(', ')}.`,
      `Start it with SERVICES including those, or wait for it to finish loading. The kit is tested with LocalStack ${LOCALSTACK_VERSION}.`,
    );
  }
  return { mode: 'endpoint', endpoint, version: health.version };
}
