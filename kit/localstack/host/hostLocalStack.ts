import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import fs from 'node:fs/promises';
import { EnvironmentError } from '../../environmentError.ts';
import { readHealth, waitForHealth } from '../health.ts';
import type { StartedLocalStack } from '../started.ts';
import { TRACK_SERVICES, type LocalStackSettings } from '../settings.ts';
import { hostLayout, installHostLocalStack } from './install.ts';

interface HostState {
  pid: number;
  endpoint: string;
}

const START_DEADLINE_MS = 90_000;

/** LocalStack on the host from PyPI: started in the background once, reused by later runs. */
export class HostLocalStack {
  private readonly layout;

  constructor(private readonly settings: LocalStackSettings) {
    this.layout = hostLayout(settings);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.settings.hostPort}`;
  }

  async start(say: (line: string) => void = () => {}): Promise<StartedLocalStack> {
    const running = await this.running();
    if (running) return running;
    if (await readHealth(this.endpoint)) {
      throw new EnvironmentError(
        `Port ${this.settings.hostPort} is taken by another LocalStack`,
        `Something already answers on ${this.endpoint}, but the kit did not start it.`,
        `Use it with NORTHPOLE_ENDPOINT=${this.endpoint}, stop it, or pick another port with NORTHPOLE_PORT.`,
      );
    }
    await installHostLocalStack(this.settings, say);
    say(`Starting LocalStack on ${this.endpoint} (no-Docker mode)`);

    const log = openSync(this.layout.log, 'w');
    const child = spawn(this.layout.python, ['-m', 'localstack.runtime.main'], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...this.environment() },
    });
    closeSync(log);
    let exited = false;
    child.once('exit', () => (exited = true));
    child.unref();
    await fs.writeFile(this.layout.state, JSON.stringify({ pid: child.pid!, endpoint: this.endpoint } satisfies HostState));

    const { health, notReady } = await waitForHealth(this.endpoint, START_DEADLINE_MS, () => !exited);
    if (!health || notReady.length > 0) {
      if (!exited) process.kill(-child.pid!, 'SIGTERM');
      throw new EnvironmentError(
        'LocalStack did not start (no-Docker mode)',
        `${exited ? 'The process exited' : `Not ready after ${START_DEADLINE_MS / 1000} s`}; not ready: ${notReady.join(', ')}. Last lines of ${this.layout.log}:\n${await this.logTail()}`,
        'Run `npm run localstack -- stop`, then try again; `npm run doctor` checks Python and Java.',
      );
    }
    return { mode: 'host', endpoint: this.endpoint, version: health.version };
  }

  /** The LocalStack this kit started earlier, if it is still alive and healthy. */
  async running(): Promise<StartedLocalStack | undefined> {
    const state = await this.state();
    if (!state || !isAlive(state.pid)) return undefined;
    const health = await readHealth(state.endpoint);
    return health ? { mode: 'host', endpoint: state.endpoint, version: health.version } : undefined;
  }

  async stop(): Promise<boolean> {
    const state = await this.state();
    await fs.rm(this.layout.state, { force: true });
    if (!state || !isAlive(state.pid)) return false;
    process.kill(-state.pid, 'SIGTERM');
    const until = Date.now() + 20_000;
    while (isAlive(state.pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    if (isAlive(state.pid)) process.kill(-state.pid, 'SIGKILL');
    return true;
  }

  environment(): Record<string, string> {
    return {
      FILESYSTEM_ROOT: this.layout.filesystemRoot,
      // Hypercorn binds the address given; LocalStack's default server listens on every interface.
      GATEWAY_SERVER: 'hypercorn',
      GATEWAY_LISTEN: `127.0.0.1:${this.settings.hostPort}`,
      // Without this, LocalStack inside a container (a dev container, CI) looks for its files in container paths.
      OVERRIDE_IN_DOCKER: '0',
      DNS_ADDRESS: '0',
      SKIP_SSL_CERT_DOWNLOAD: '1',
      SERVICES: TRACK_SERVICES.join(','),
      EAGER_SERVICE_LOADING: this.settings.eagerServices ? '1' : '0',
      DISABLE_EVENTS: '1',
      ...(this.settings.authToken ? { LOCALSTACK_AUTH_TOKEN: this.settings.authToken } : {}),
    };
  }

  private async state(): Promise<HostState | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.layout.state, 'utf8')) as HostState;
    } catch {
      return undefined;
    }
  }

  private async logTail(): Promise<string> {
    try {
      return (await fs.readFile(this.layout.log, 'utf8')).trim().split('\n').slice(-12).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
