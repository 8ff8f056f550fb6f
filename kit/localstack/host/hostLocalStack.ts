import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isRunning, processIdentity, withFileLock, type ProcessIdentity } from '../../fileLock.ts';
import { EnvironmentError } from '../../environmentError.ts';
import { readHealth, servicesNotReady, waitForHealth } from '../health.ts';
import type { LocalStackMode, ModeStatus } from '../modes.ts';
import { patchSetDigest } from '../patches/localStackPatches.ts';
import type { StartedLocalStack } from '../started.ts';
import { TRACK_SERVICES, type LocalStackSettings } from '../settings.ts';
import { hostLayout, installHostLocalStack } from './install.ts';
import { listProcesses, portHolder, processInfo } from './processes.ts';

interface HostState {
  pid: number;
  endpoint: string;
  /** When it was spawned (ISO); absent in a record of an older kit. */
  startedAt?: string;
}

/**
 * Who runs the kit's LocalStack on a port, machine-wide (beside the port's start lock): a second
 * project on the same port finds it here instead of spawning a LocalStack that cannot bind.
 */
interface PortRecord {
  owner: ProcessIdentity;
  home: string;
  endpoint: string;
  /** The digest of the patch set its install carries. */
  patches: string;
}

/** The machine's temporary folder, keyed by port: every project of the kit on this machine looks there. */
export function portFiles(port: number): { lock: string; record: string } {
  const base = path.join(os.tmpdir(), `northpole-localstack-${port}`);
  return { lock: `${base}.lock`, record: `${base}.json` };
}

const START_DEADLINE_MS = 90_000;
/** How long a LocalStack the kit started may take to answer before it is reported as not answering. */
const ANSWER_DEADLINE_MS = 60_000;
/** A first install can take minutes; another terminal waits for it rather than starting its own. */
const START_LOCK_WAIT_MS = 20 * 60_000;

/**
 * LocalStack on the host from PyPI: started in the background once, reused by later runs. One per
 * project home: starting is serialized across processes by a lock file, and the kit knows its own
 * LocalStack by its process (the home's Python running LocalStack), never by how fast it answers.
 */
export class HostLocalStack implements LocalStackMode {
  readonly name = 'host' as const;
  private readonly layout;

  constructor(private readonly settings: LocalStackSettings) {
    this.layout = hostLayout(settings);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.settings.hostPort}`;
  }

  async start(say: (line: string) => void = () => {}): Promise<StartedLocalStack> {
    const running = await this.running(say);
    if (running) return running;
    const port = portFiles(this.settings.hostPort);
    // Two locks, always in this order: one per home (one install, one LocalStack per project) and one
    // per port, machine-wide (two projects on one port start one LocalStack between them).
    return withFileLock(
      path.join(this.settings.home, 'start.lock'),
      () =>
        withFileLock(
          port.lock,
          async () => {
            // Another terminal may have started it while this one waited for the locks.
            const startedMeanwhile = await this.running(say);
            if (startedMeanwhile) return startedMeanwhile;
            const neighbour = await this.neighbourOnPort(say);
            if (neighbour) return neighbour;
            // Left from a crash or a deleted state file: nothing else is starting now, so they go.
            await this.stopProcesses(this.ownProcesses());
            await this.ensurePortFree();
            await installHostLocalStack(this.settings, say);
            return this.spawn(say);
          },
          {
            waitMs: START_LOCK_WAIT_MS,
            onWait: (pid) => say(`Another project of the kit (pid ${pid}) is starting LocalStack on port ${this.settings.hostPort}; waiting for it`),
          },
        ),
      { waitMs: START_LOCK_WAIT_MS, onWait: (pid) => say(`Another terminal (pid ${pid}) is starting LocalStack; waiting for it`) },
    );
  }

  /**
   * The kit's LocalStack of another project on this port, started while this one waited: used as a
   * shared endpoint (only recorded namespaces are swept there), never replaced or started beside.
   */
  private async neighbourOnPort(say: (line: string) => void): Promise<StartedLocalStack | undefined> {
    let record: PortRecord;
    try {
      record = JSON.parse(await fs.readFile(portFiles(this.settings.hostPort).record, 'utf8')) as PortRecord;
    } catch {
      return undefined;
    }
    if (path.resolve(record.home) === path.resolve(this.settings.home) || !isRunning(record.owner)) return undefined;
    const health = await readHealth(record.endpoint, 10_000);
    if (!health || servicesNotReady(health).length > 0) return undefined;
    if (record.patches !== patchSetDigest()) {
      throw new EnvironmentError(
        `Port ${this.settings.hostPort} has the LocalStack of another project of the kit, with other patches`,
        `${record.home} started it (pid ${record.owner.pid}) with the patch set ${record.patches}; this project's is ${patchSetDigest()}, so its grades could differ.`,
        `Give this project another port (NORTHPOLE_PORT=${this.settings.hostPort + 1}), or stop the other one (\`npm run localstack -- stop\` in that project).`,
      );
    }
    say(
      `LocalStack on port ${this.settings.hostPort} was started by another project of the kit (${record.home}, pid ${record.owner.pid}); grading against it as a shared one`,
    );
    return { mode: 'endpoint', endpoint: record.endpoint, version: health.version };
  }

  private async spawn(say: (line: string) => void): Promise<StartedLocalStack> {
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
    await fs.writeFile(
      this.layout.state,
      JSON.stringify({ pid: child.pid!, endpoint: this.endpoint, startedAt: new Date().toISOString() } satisfies HostState),
    );
    const record: PortRecord = {
      owner: processIdentity(child.pid!),
      home: path.resolve(this.settings.home),
      endpoint: this.endpoint,
      patches: patchSetDigest(),
    };
    await fs.writeFile(portFiles(this.settings.hostPort).record, JSON.stringify(record));

    const { health, notReady } = await waitForHealth(this.endpoint, START_DEADLINE_MS, () => !exited);
    if (!health || notReady.length > 0) {
      if (!exited) await this.stopProcesses([child.pid!]);
      throw new EnvironmentError(
        'LocalStack did not start (no-Docker mode)',
        `${exited ? 'The process exited' : `Not ready after ${START_DEADLINE_MS / 1000} s`}; not ready: ${notReady.join(', ')}. Last lines of ${this.layout.log}:\n${await this.logTail()}`,
        'Run `npm run localstack -- stop`, then try again; `npm run doctor` checks Python and Java.',
      );
    }
    return { mode: 'host', endpoint: this.endpoint, version: health.version };
  }

  /**
   * The LocalStack this kit started earlier, if its process is alive. A slow or frozen one is waited
   * for, never replaced: a second LocalStack on the same home would fight the first for its files.
   */
  async running(say: (line: string) => void = () => {}): Promise<StartedLocalStack | undefined> {
    const state = await this.state();
    if (!state || !this.isOwn(state.pid)) return undefined;
    this.ensureOnGivenPort(state);
    let told = false;
    const alive = () => {
      const info = processInfo(state.pid);
      if (info?.stopped && !told) {
        told = true;
        say(`LocalStack (pid ${state.pid}) is stopped (Ctrl-Z or SIGSTOP); waiting for it to continue`);
      }
      return !!info;
    };
    // Started by an older kit without a service the track now has (CloudFormation came with exercise 10): it never
    // loads it. A frozen one is not asked: it cannot answer, and the wait below says why.
    const frozenNow = !alive() || processInfo(state.pid)?.stopped;
    const disabled = frozenNow
      ? []
      : servicesNotReady((await readHealth(state.endpoint)) ?? { version: '', services: {} }).filter((service) => service.endsWith(': disabled'));
    if (disabled.length > 0) {
      throw new EnvironmentError(
        `The kit's LocalStack (pid ${state.pid}) was started without services the track now needs`,
        `It runs with ${disabled.join(', ')}: it was started before this version of the kit, which starts those too.`,
        'Run `npm run localstack -- stop`, then run the command again: the next start has every service.',
      );
    }
    const { health, notReady } = await waitForHealth(state.endpoint, ANSWER_DEADLINE_MS, alive, 5000);
    if (health && notReady.length === 0) return { mode: 'host', endpoint: state.endpoint, version: health.version };
    if (!this.isOwn(state.pid)) return undefined;
    const frozen = processInfo(state.pid)?.stopped;
    throw new EnvironmentError(
      `The kit's LocalStack (pid ${state.pid}) does not answer at ${state.endpoint}`,
      frozen
        ? 'Its process is stopped (suspended with Ctrl-Z or SIGSTOP), so it cannot answer.'
        : `It runs, but ${health ? `these services are not ready after ${ANSWER_DEADLINE_MS / 1000} s: ${notReady.join(', ')}` : `nothing answered within ${ANSWER_DEADLINE_MS / 1000} s`}. The kit does not start a second one beside it.`,
      frozen
        ? `Continue it (\`kill -CONT ${state.pid}\`, or \`fg\` in its terminal), or run \`npm run localstack -- stop\`, then run the command again.`
        : 'Run `npm run localstack -- stop`, then run the command again.',
    );
  }

  /** The port's record, when it names this home's LocalStack: stopped, it runs nowhere. */
  private async forgetPortRecord(port: number): Promise<void> {
    const { record } = portFiles(port);
    try {
      if (path.resolve((JSON.parse(await fs.readFile(record, 'utf8')) as PortRecord).home) === path.resolve(this.settings.home))
        await fs.rm(record, { force: true });
    } catch {
      // no record, or another project's
    }
  }

  /** NORTHPOLE_PORT naming another port than the running LocalStack's is an error, not a silent switch. */
  private ensureOnGivenPort(state: HostState): void {
    const port = Number(new URL(state.endpoint).port);
    if (this.settings.portGiven && port !== this.settings.hostPort) {
      throw new EnvironmentError(
        `The kit's LocalStack runs on port ${port}, not on NORTHPOLE_PORT=${this.settings.hostPort}`,
        `It was started earlier (pid ${state.pid}) at ${state.endpoint}; one LocalStack per project.`,
        `Unset NORTHPOLE_PORT to use it, or run \`npm run localstack -- stop\` and then again to start it on ${this.settings.hostPort}.`,
      );
    }
  }

  /** Stops every LocalStack process the kit started for this home, DynamoDB Local included. */
  async stop(): Promise<string | undefined> {
    const state = await this.state();
    const pids = new Set(this.ownProcesses());
    if (state && this.isOwn(state.pid)) pids.add(state.pid);
    await this.stopProcesses([...pids]);
    await fs.rm(this.layout.state, { force: true });
    await this.forgetPortRecord(state ? Number(new URL(state.endpoint).port) : this.settings.hostPort);
    return pids.size > 0 ? `Stopped the no-Docker LocalStack (pids ${[...pids].join(', ')}).` : undefined;
  }

  async describe(): Promise<ModeStatus> {
    const state = await this.state();
    if (!state || !this.isOwn(state.pid)) return { mode: 'host', running: false, endpoint: this.endpoint };
    this.ensureOnGivenPort(state);
    const what = `pid ${state.pid}, in ${path.relative(process.cwd(), this.settings.home) || this.settings.home}`;
    const since = state.startedAt ? new Date(state.startedAt) : (await fs.stat(this.layout.state).catch(() => undefined))?.mtime;
    const health = await readHealth(state.endpoint, 5000);
    if (!health) {
      const frozen = processInfo(state.pid)?.stopped;
      return {
        mode: 'host',
        running: false,
        endpoint: state.endpoint,
        what,
        since,
        note: frozen ? `it is stopped (Ctrl-Z or SIGSTOP): \`kill -CONT ${state.pid}\`` : 'its process runs but does not answer',
      };
    }
    return {
      mode: 'host',
      running: true,
      endpoint: state.endpoint,
      version: health.version,
      what,
      since,
      started: { mode: 'host', endpoint: state.endpoint, version: health.version },
    };
  }

  /** Processes of this home: its Python running LocalStack, and Java running its DynamoDB Local. */
  private ownProcesses(): number[] {
    return listProcesses()
      .filter((info) => info.pid !== process.pid && this.belongsHere(info.command))
      .map((info) => info.pid);
  }

  private belongsHere(command: string): boolean {
    return (command.includes(this.layout.python) && command.includes('localstack')) || command.includes(path.join(this.layout.varLibs, 'dynamodb-local'));
  }

  private isOwn(pid: number): boolean {
    const info = processInfo(pid);
    return !!info && this.belongsHere(info.command);
  }

  private async stopProcesses(pids: number[]): Promise<void> {
    if (pids.length === 0) return;
    const signal = (pid: number, name: NodeJS.Signals) => {
      // Started detached, LocalStack leads its own process group: the group takes its children with it.
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, name);
        } catch {
          // already gone, or not a group leader
        }
      }
    };
    for (const pid of pids) {
      signal(pid, 'SIGTERM');
      // A stopped process only handles SIGTERM once it runs again.
      signal(pid, 'SIGCONT');
    }
    const until = Date.now() + 20_000;
    while (pids.some((pid) => processInfo(pid)) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pid of pids) if (processInfo(pid)) signal(pid, 'SIGKILL');
  }

  /** Reported in seconds, with what holds the port, instead of a long wait for a health answer that never comes. */
  private async ensurePortFree(): Promise<void> {
    if (!(await portAnswers(this.settings.hostPort))) return;
    const holder = portHolder(this.settings.hostPort);
    const health = await readHealth(this.endpoint, 3000);
    const who = holder ? `${holder.command.slice(0, 160)} (pid ${holder.pid})` : 'a process the kit cannot see (another user, or a container)';
    throw new EnvironmentError(
      health ? `Port ${this.settings.hostPort} is taken by another LocalStack` : `Port ${this.settings.hostPort} is taken`,
      `${health ? `LocalStack ${health.version} answers on ${this.endpoint}, but the kit did not start it` : `Something that is not LocalStack listens on ${this.endpoint}`}: ${who}.`,
      health
        ? `Use it with NORTHPOLE_ENDPOINT=${this.endpoint}, stop it, or pick another port with NORTHPOLE_PORT.`
        : `Stop that program, or pick another port for LocalStack with NORTHPOLE_PORT (e.g. NORTHPOLE_PORT=4567).`,
    );
  }

  environment(): Record<string, string> {
    return {
      FILESYSTEM_ROOT: this.layout.filesystemRoot,
      // LocalStack's default server, as in the container: the kit's patch 06 makes it bind the address given.
      GATEWAY_SERVER: 'twisted',
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

/** Whether anything accepts connections on the port, within a second. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
