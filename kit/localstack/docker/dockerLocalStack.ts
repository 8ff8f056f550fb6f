import localstackModule from '@testcontainers/localstack';
import { EnvironmentError } from '../../environmentError.ts';
import path from 'node:path';
import { waitForHealth } from '../health.ts';
import {
  CONTAINER_BOOT_SCRIPT,
  CONTAINER_PATCHES_DIR,
  CONTAINER_STATUS_FILE,
  PATCHES_DIR,
  patchFiles,
  patchSetDigest,
  patchStatusProblem,
} from '../patches/localStackPatches.ts';
import type { StartedLocalStack } from '../started.ts';
import { TRACK_SERVICES, type LocalStackSettings } from '../settings.ts';
import { PATCHES_LABEL } from './dockerEngine.ts';

// The module is CommonJS; its named exports are not visible to ESM import.
const { LocalstackContainer } = localstackModule;

type PortBindings = Record<string, { HostIp?: string; HostPort?: string }[]>;

/** Docker publishes on every interface unless told an address; at a workshop that is the whole room. */
export function bindToLoopback(bindings: PortBindings | undefined): PortBindings {
  return Object.fromEntries(Object.entries(bindings ?? {}).map(([port, hosts]) => [port, hosts.map((host) => ({ ...host, HostIp: '127.0.0.1' }))]));
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
    this.withEnvironment(containerEnvironment(settings))
      // The patch set's digest is a label, so a container made with other patches is not reused.
      .withLabels({ 'org.northpole.kit': 'localstack', [PATCHES_LABEL]: patchSetDigest() })
      .withCopyFilesToContainer(patchCopies())
      .withReuse();
  }

  /**
   * Replaces the module's hook: its Lambda session flag puts a per-run id into the environment,
   * which changes the reuse hash and would start a new container every run. The track has no Lambda.
   */
  protected override async beforeContainerCreated(): Promise<void> {
    this.hostConfig.PortBindings = bindToLoopback(this.hostConfig.PortBindings as PortBindings);
  }
}

/** The kit's patches and the boot script that applies them before LocalStack starts, as docker/compose.yml mounts them. */
export function patchCopies(): { source: string; target: string }[] {
  return [
    ...['apply.py', ...patchFiles()].map((name) => ({ source: path.join(PATCHES_DIR, name), target: `${CONTAINER_PATCHES_DIR}/${name}` })),
    { source: path.join(PATCHES_DIR, 'boot.d', 'northpole-patches.py'), target: CONTAINER_BOOT_SCRIPT },
  ];
}

export async function startDockerLocalStack(settings: LocalStackSettings, say: (line: string) => void = () => {}): Promise<StartedLocalStack> {
  say(`Starting ${settings.image} in Docker (the first time pulls the image)`);
  let endpoint: string;
  let patchProblem: string | undefined;
  try {
    const container = await new NorthPoleLocalStackContainer(settings).start();
    endpoint = `http://127.0.0.1:${container.getPort()}`;
    patchProblem = patchStatusProblem((await container.exec(['cat', CONTAINER_STATUS_FILE])).output);
  } catch (error) {
    throw new EnvironmentError(
      'LocalStack did not start in Docker',
      (error as Error).message,
      'Check `docker info`; or run without Docker: NORTHPOLE_LOCALSTACK=host npm run exercise.',
    );
  }
  if (patchProblem) {
    throw new EnvironmentError(
      `The kit's patches were not applied in ${settings.image}`,
      patchProblem,
      'The patches are for LocalStack 4.13.1 only: use localstack/localstack:4.13.1 (unset NORTHPOLE_LOCALSTACK_IMAGE), then remove the old container with `npm run localstack -- stop`.',
    );
  }
  const { health, notReady } = await waitForHealth(endpoint, 120_000);
  if (!health || notReady.length > 0) {
    throw new EnvironmentError(
      'LocalStack in Docker is not healthy',
      `Not ready: ${notReady.join(', ')}.`,
      'See `docker logs` of the container labelled org.northpole.kit=localstack.',
    );
  }
  return { mode: 'docker', endpoint, version: health.version };
}
