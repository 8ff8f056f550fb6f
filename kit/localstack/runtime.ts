import path from 'node:path';
import { DockerLocalStack } from './docker/dockerMode.ts';
import { EndpointLocalStack } from './endpoint/endpointLocalStack.ts';
import { HostLocalStack } from './host/hostLocalStack.ts';
import { rememberMode, resolveMode } from './mode.ts';
import type { LocalStackMode, ModeStatus } from './modes.ts';
import { readSettings, type LocalStackSettings, type ModeName } from './settings.ts';
import type { StartedLocalStack } from './started.ts';

/** The mode family: one class per way LocalStack runs. */
export function modeFor(name: ModeName, settings: LocalStackSettings): LocalStackMode {
  switch (name) {
    case 'endpoint':
      return new EndpointLocalStack(settings.endpoint!);
    case 'docker':
      return new DockerLocalStack(settings);
    case 'host':
      return new HostLocalStack(settings);
  }
}

/**
 * The one entry point graders and commands use: an endpoint with the track's services ready,
 * starting LocalStack when needed. Everything after this talks to the endpoint only.
 */
export async function ensureLocalStack(say: (line: string) => void = () => {}, settings: LocalStackSettings = readSettings()): Promise<StartedLocalStack> {
  if (settings.endpoint) return modeFor('endpoint', settings).start(say);

  // The warm paths: the LocalStack an earlier run started, no-Docker or Docker, is still up.
  for (const mode of candidates(settings)) {
    const running = await mode.running(say);
    if (running) return running;
  }
  const choice = await resolveMode(settings);
  if (choice.remember) {
    await rememberMode(settings.modeFile, choice.mode as 'host', choice.reason).catch(() => undefined);
    say(`${choice.reason}; remembered in ${path.relative(process.cwd(), settings.modeFile)} (\`npm run localstack -- use auto\` tries Docker again)`);
  } else {
    say(`LocalStack mode: ${choice.mode} (${choice.reason})`);
  }
  return modeFor(choice.mode, settings).start(say);
}

/** The modes whose LocalStack a grade may find running, in the order the grade looks. */
function candidates(settings: LocalStackSettings): LocalStackMode[] {
  if (settings.endpoint) return [modeFor('endpoint', settings)];
  if (settings.requested === 'docker') return [modeFor('docker', settings)];
  if (settings.requested === 'host') return [modeFor('host', settings)];
  return [modeFor('host', settings), modeFor('docker', settings)];
}

/**
 * What `status` and `doctor` show: the status of the first mode whose LocalStack runs, else of each
 * mode the settings allow (so a stopped container or a frozen process is still named).
 */
export async function localStackStatus(settings: LocalStackSettings = readSettings()): Promise<ModeStatus[]> {
  const statuses: ModeStatus[] = [];
  for (const mode of candidates(settings)) {
    const status = await mode.describe();
    if (status.running) return [status];
    statuses.push(status);
  }
  return statuses;
}

/** Stops what the kit started in every mode the settings allow; a sentence for each mode that stopped something. */
export async function stopLocalStack(settings: LocalStackSettings = readSettings()): Promise<string[]> {
  const stopped: string[] = [];
  for (const mode of candidates(settings)) {
    const sentence = await mode.stop();
    if (sentence) stopped.push(sentence);
  }
  return stopped;
}
