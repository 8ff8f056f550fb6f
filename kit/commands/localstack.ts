import path from 'node:path';
import { ExitCode } from '../exitCode.ts';
import { rememberMode } from '../localstack/mode.ts';
import { uptime, type ModeStatus } from '../localstack/modes.ts';
import { ensureLocalStack, localStackStatus, stopLocalStack } from '../localstack/runtime.ts';
import { readSettings } from '../localstack/settings.ts';
import { capitalised, emulatorLabel } from '../localstack/started.ts';

const MODE_WORDS = { host: 'no-Docker mode', docker: 'Docker mode', endpoint: 'endpoint mode, NORTHPOLE_ENDPOINT' } as const;

export async function localstackCommand(action: string, mode?: string): Promise<number> {
  const settings = readSettings();
  switch (action) {
    case 'start': {
      const started = await ensureLocalStack((line) => console.error(line), settings);
      console.log(
        `${started.notLocalStack ? capitalised(emulatorLabel(started)) : `LocalStack ${started.version}`} is ready at ${started.endpoint} (${started.mode} mode).`,
      );
      return ExitCode.Pass;
    }
    case 'stop': {
      if (settings.endpoint) {
        console.log(
          `The kit did not start what answers at ${settings.endpoint} (NORTHPOLE_ENDPOINT), so it does not stop it: stop it where it runs (\`docker compose -f docker/compose.yml down\`, or its own command).`,
        );
        return ExitCode.Pass;
      }
      const stopped = await stopLocalStack(settings);
      console.log(stopped.length > 0 ? stopped.join('\n') : 'No LocalStack of this kit was running.');
      return ExitCode.Pass;
    }
    case 'status': {
      const statuses = await localStackStatus(settings);
      const running = statuses.find((status) => status.running);
      console.log(running ? describeRunning(running) : describeNothing(statuses));
      return running ? ExitCode.Pass : ExitCode.Environment;
    }
    case 'use': {
      if (mode !== 'docker' && mode !== 'host' && mode !== 'auto') {
        console.error('Say which mode: `npm run localstack -- use docker`, `use host` (no Docker) or `use auto` (Docker when it can get its image).');
        return ExitCode.Usage;
      }
      await rememberMode(settings.modeFile, mode, 'npm run localstack -- use');
      const file = path.relative(process.cwd(), settings.modeFile);
      console.log(
        mode === 'auto'
          ? `Auto mode: Docker when its engine has or can pull the image, otherwise no Docker (forgot ${file}).`
          : `The next grades run LocalStack in ${mode === 'host' ? 'the no-Docker' : 'the Docker'} mode (remembered in ${file}; NORTHPOLE_LOCALSTACK still wins).`,
      );
      return ExitCode.Pass;
    }
    default:
      console.error(`Unknown action "${action}": use start, stop, status or use.`);
      return ExitCode.Usage;
  }
}

/** "LocalStack 4.13.1 answers at http://127.0.0.1:4566 (Docker mode: container …, up 4 min)." */
export function describeRunning(status: ModeStatus): string {
  const who = status.started?.notLocalStack ? capitalised(emulatorLabel(status.started)) : `LocalStack ${status.version}`;
  const details = [status.what && !status.started?.notLocalStack ? status.what : undefined, status.since ? uptime(status.since) : undefined].filter(Boolean);
  const where = status.started?.notLocalStack ? 'answers' : `answers at ${status.endpoint}`;
  return `${who} ${where} (${MODE_WORDS[status.mode]}${details.length > 0 ? `: ${details.join(', ')}` : ''})${status.note ? `; ${status.note}` : ''}.`;
}

function describeNothing(statuses: ModeStatus[]): string {
  const endpoint = statuses.find((status) => status.mode === 'endpoint');
  if (endpoint) return `Nothing answers at ${endpoint.endpoint} (NORTHPOLE_ENDPOINT).`;
  const notes = statuses
    .filter((status) => status.what || status.note)
    .map((status) => `${MODE_WORDS[status.mode]}: ${[status.what, status.note].filter(Boolean).join('; ')}`);
  return ['No LocalStack of this kit is running; `npm run exercise` starts one.', ...notes].join('\n  ');
}
