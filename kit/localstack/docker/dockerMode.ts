import { readHealth, servicesNotReady } from '../health.ts';
import type { LocalStackMode, ModeStatus } from '../modes.ts';
import { patchSetDigest } from '../patches/localStackPatches.ts';
import type { LocalStackSettings } from '../settings.ts';
import type { StartedLocalStack } from '../started.ts';
import { DockerEngine, PATCHES_LABEL, type KitContainer } from './dockerEngine.ts';

/**
 * LocalStack in a container the kit starts with Testcontainers and reuses. The kit finds it again by
 * its label through the engine, so status, stop and doctor see the same container every grade uses.
 */
export class DockerLocalStack implements LocalStackMode {
  readonly name = 'docker' as const;
  private readonly engine: DockerEngine;

  constructor(
    private readonly settings: LocalStackSettings,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.engine = new DockerEngine(env);
  }

  /** The kit's running container of this image and patch set, if it answers with the track's services ready. */
  async running(): Promise<StartedLocalStack | undefined> {
    const container = (await this.engine.kitContainers())?.find((candidate) => this.isReusable(candidate) && candidate.state === 'running');
    if (!container?.endpoint) return undefined;
    const health = await readHealth(container.endpoint, 5000);
    if (!health || servicesNotReady(health).length > 0) return undefined;
    return { mode: 'docker', endpoint: container.endpoint, version: health.version };
  }

  async start(say: (line: string) => void = () => {}): Promise<StartedLocalStack> {
    const running = await this.running();
    if (running) return running;
    // Loaded only here: testcontainers is large and the warm path never needs it.
    const { startDockerLocalStack } = await import('./dockerLocalStack.ts');
    return startDockerLocalStack(this.settings, say);
  }

  /** Removes every container the kit's Docker mode made (any image, any patch set); not one started with compose. */
  async stop(): Promise<string | undefined> {
    const containers = (await this.engine.kitContainers())?.filter((container) => container.labels[PATCHES_LABEL]) ?? [];
    const removed: string[] = [];
    for (const container of containers) if (await this.engine.removeContainer(container.id)) removed.push(`${container.name} (${container.id.slice(0, 12)})`);
    return removed.length > 0 ? `Removed the Docker LocalStack: container ${removed.join(', ')}.` : undefined;
  }

  async describe(): Promise<ModeStatus> {
    const containers = await this.engine.kitContainers();
    if (!containers) return { mode: 'docker', running: false, note: 'no Docker engine answers' };
    const container =
      containers.find((candidate) => this.isReusable(candidate) && candidate.state === 'running') ??
      containers.find((candidate) => candidate.state === 'running');
    if (!container) return { mode: 'docker', running: false, note: containers.length > 0 ? `${containers.length} stopped container(s) of the kit` : undefined };
    const health = container.endpoint ? await readHealth(container.endpoint, 5000) : undefined;
    const what = `container ${container.name} (${container.id.slice(0, 12)}) from ${container.image}`;
    const note = !this.isReusable(container)
      ? container.labels[PATCHES_LABEL]
        ? `made with ${container.image === this.settings.image ? 'other patches' : `another image than ${this.settings.image}`}: the next grade starts a new one (\`npm run localstack -- stop\` removes it)`
        : 'started outside the kit (docker compose?): the kit does not use it unless NORTHPOLE_ENDPOINT names it'
      : health
        ? undefined
        : `it does not answer at ${container.endpoint ?? '(no published port)'}`;
    const started =
      health && this.isReusable(container) && container.endpoint
        ? { mode: 'docker' as const, endpoint: container.endpoint, version: health.version }
        : undefined;
    return {
      mode: 'docker',
      running: !!health,
      endpoint: container.endpoint,
      version: health?.version,
      what,
      since: new Date(container.created * 1000),
      note,
      started,
    };
  }

  private isReusable(container: KitContainer): boolean {
    return container.image === this.settings.image && container.labels[PATCHES_LABEL] === patchSetDigest();
  }
}
