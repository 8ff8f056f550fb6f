import localstackModule from '@testcontainers/localstack';
import { EnvironmentError } from '../../environmentError.ts';
import { waitForHealth } from '../health.ts';
import type { StartedLocalStack } from '../started.ts';
import { TRACK_SERVICES, type LocalStackSettings } from '../settings.ts';

// The module is CommonJS; its named exports are not visible to ESM import.
const { LocalstackContainer } = localstackModule;

type PortBindings = Record<string, { HostIp?: string; HostPort?: string }[]>;

/** Docker publishes on every interface unless told an address; at a workshop that is the whole room. */
export function bindToLoopback(bindings: PortBindings | undefined): PortBindings {
  return Object.fromEntries(
    Object.entries(bindings ?? {}).map(([port, hosts]) => [port, hosts.map((host) => ({ ...host, HostIp: '127.0.0.1' }))]),
  );
}

export function containerEnvironment(settings: LocalStackSettings): Record<string, string> {
  return {
    SERVICES: TRACK_SERVICES.join(','),
    EAGER_SERVICE_LOADING: '1',
    DISABLE_EVENTS: '1',
    LOCALSTACK_HOST: 'localhost',
    ...(settings.authToken ? { LOCALSTACK_AUTH_TOKEN: settings.authToken } : {}),
  };
}

/** The LocalStack container of the kit: pinned image, loopback only, reused across runs. */
export class NorthPoleLocalStackContainer extends LocalstackContainer {
  constructor(settings: LocalStackSettings) {
    super(settings.image);
    this.withEnvironment(containerEnvironment(settings)).withLabels({ 'org.northpole.kit': 'localstack' }).withReuse();
  }

  /**
   * Replaces the module's hook: its Lambda session flag puts a per-run id into the environment,
   * which changes the reuse hash and would start a new container every run. The track has no Lambda.
   */
  protected override async beforeContainerCreated(): Promise<void> {
    this.hostConfig.PortBindings = bindToLoopback(this.hostConfig.PortBindings as PortBindings);
  }
}

export async function startDockerLocalStack(settings: LocalStackSettings, say: (line: string) => void = () => {}): Promise<StartedLocalStack> {
  say(`Starting ${settings.image} in Docker (the first time pulls the image)`);
  let endpoint: string;
  try {
    const container = await new NorthPoleLocalStackContainer(settings).start();
    endpoint = `http://127.0.0.1:${container.getPort()}`;
  } catch (error) {
    throw new EnvironmentError(
      'LocalStack did not start in Docker',
      (error as Error).message,
      'Check `docker info`; or run without Docker: NORTHPOLE_LOCALSTACK=host npm run exercise.',
    );
  }
  const { health, notReady } = await waitForHealth(endpoint, 120_000);
  if (!health || notReady.length > 0) {
    throw new EnvironmentError('LocalStack in Docker is not healthy', `Not ready: ${notReady.join(', ')}.`, 'See `docker logs` of the container labelled org.northpole.kit=localstack.');
  }
  return { mode: 'docker', endpoint, version: health.version };
}
