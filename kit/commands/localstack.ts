import { ExitCode } from '../exitCode.ts';
import { readHealth } from '../localstack/health.ts';
import { HostLocalStack } from '../localstack/host/hostLocalStack.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import { dockerAnswers } from '../localstack/mode.ts';
import { readSettings } from '../localstack/settings.ts';

export async function localstackCommand(action: string): Promise<number> {
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
      console.log(stopped ? 'Stopped the no-Docker LocalStack.' : 'No no-Docker LocalStack of this kit was running.');
      if (settings.requested !== 'host' && (await dockerAnswers())) console.log('A Docker LocalStack is left running for the next run; remove it with `docker rm -f` on the container labelled org.northpole.kit=localstack.');
      return ExitCode.Pass;
    }
    case 'status': {
      const running = settings.endpoint ? await readHealth(settings.endpoint) : await host.running();
      console.log(running ? `LocalStack ${running.version} answers${settings.endpoint ? ` at ${settings.endpoint}` : ` at ${host.endpoint}`}.` : 'No LocalStack of this kit is running; `npm run exercise` starts one.');
      return running ? ExitCode.Pass : ExitCode.Environment;
    }
    default:
      console.error(`Unknown action "${action}": use start, stop or status.`);
      return ExitCode.Usage;
  }
}
