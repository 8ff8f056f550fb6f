import path from 'node:path';
import { ExitCode } from '../exitCode.ts';
import { readHealth } from '../localstack/health.ts';
import { HostLocalStack } from '../localstack/host/hostLocalStack.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import { dockerAnswers, rememberMode } from '../localstack/mode.ts';
import { readSettings } from '../localstack/settings.ts';

export async function localstackCommand(action: string, mode?: string): Promise<number> {
  const settings = readSettings();
  const host = new HostLocalStack(settings);
  switch (action) {
    case 'start': {
      const started = await ensureLocalStack((line) => console.error(line), settings);
      console.log(`LocalStack ${started.version} is ready at ${started.endpoint} (${started.mode} mode).`);
      return ExitCode.Pass;
    }
    case 'stop': {
      const stopped = await host.stop();
      console.log(stopped.length > 0 ? `Stopped the no-Docker LocalStack (pids ${stopped.join(', ')}).` : 'No no-Docker LocalStack of this kit was running.');
      if (settings.requested !== 'host' && (await dockerAnswers())) console.log('A Docker LocalStack is left running for the next run; remove it with `docker rm -f` on the container labelled org.northpole.kit=localstack.');
      return ExitCode.Pass;
    }
    case 'status': {
      if (settings.endpoint) {
        const health = await readHealth(settings.endpoint, 3000);
        console.log(health ? `LocalStack ${health.version} answers at ${settings.endpoint} (NORTHPOLE_ENDPOINT).` : `Nothing answers at ${settings.endpoint} (NORTHPOLE_ENDPOINT).`);
        return health ? ExitCode.Pass : ExitCode.Environment;
      }
      // The endpoint it really answers at, from its own record, not the port this terminal would use.
      const running = await host.running();
      console.log(running ? `LocalStack ${running.version} answers at ${running.endpoint} (no-Docker mode, started by the kit).` : 'No LocalStack of this kit is running; `npm run exercise` starts one.');
      return running ? ExitCode.Pass : ExitCode.Environment;
    }
    case 'use': {
      if (mode !== 'docker' && mode !== 'host' && mode !== 'auto') {
        console.error('Say which mode: `npm run localstack -- use docker`, `use host` (no Docker) or `use auto` (Docker when it can get its image).');
        return ExitCode.Usage;
      }
      await rememberMode(settings.modeFile, mode, 'npm run localstack -- use');
      const file = path.relative(process.cwd(), settings.modeFile);
      console.log(mode === 'auto' ? `Auto mode: Docker when its engine has or can pull the image, otherwise no Docker (forgot ${file}).` : `The next grades run LocalStack in ${mode === 'host' ? 'the no-Docker' : 'the Docker'} mode (remembered in ${file}; NORTHPOLE_LOCALSTACK still wins).`);
      return ExitCode.Pass;
    }
    default:
      console.error(`Unknown action "${action}": use start, stop, status or use.`);
      return ExitCode.Usage;
  }
}
