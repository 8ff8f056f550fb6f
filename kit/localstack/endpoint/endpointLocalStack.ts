import { EnvironmentError } from '../../environmentError.ts';
import { readHealth, servicesNotReady } from '../health.ts';
import type { LocalStackMode, ModeStatus } from '../modes.ts';
import { LOCALSTACK_VERSION } from '../settings.ts';
import { capitalised, emulatorLabel, type StartedLocalStack } from '../started.ts';

/**
 * NORTHPOLE_ENDPOINT: a LocalStack (compose, an instructor's instance) or any other AWS emulator that
 * runs elsewhere. The kit starts and stops nothing; it asks LocalStack's health route, and where that
 * route is missing or not LocalStack's, the track's services themselves.
 */
export class EndpointLocalStack implements LocalStackMode {
  readonly name = 'endpoint' as const;

  constructor(readonly endpoint: string) {}

  async running(): Promise<StartedLocalStack | undefined> {
    return this.start().catch(() => undefined);
  }

  async start(): Promise<StartedLocalStack> {
    // A busy LocalStack (a room grading at once) can take seconds to answer; nothing there fails at once.
    const health = await readHealth(this.endpoint, 10_000);
    // LocalStack (by its header, or by a health answer that names every service its way, ready).
    if (health && (health.isLocalStack || servicesNotReady(health).length === 0)) {
      const notReady = servicesNotReady(health);
      if (notReady.length > 0) {
        throw new EnvironmentError(
          `LocalStack at ${this.endpoint} lacks services the track needs`,
          `Not ready: ${notReady.join(', ')}.`,
          `Start it with SERVICES including those, or wait for it to finish loading. The kit is tested with LocalStack ${LOCALSTACK_VERSION}.`,
        );
      }
      return { mode: 'endpoint', endpoint: this.endpoint, version: health.version };
    }
    // Another emulator: it names services its own way on that route, or has no such route.
    const { emulatorName, probeServices } = await import('../emulator.ts');
    const probes = await probeServices(this.endpoint);
    if (probes.every((probe) => probe.unreachable)) {
      throw new EnvironmentError(
        `Nothing answers at ${this.endpoint}`,
        `NORTHPOLE_ENDPOINT points at a LocalStack or emulator that is not running or not reachable (${probes[0]?.problem}).`,
        'Start it (e.g. `docker compose -f docker/compose.yml up -d`) or unset NORTHPOLE_ENDPOINT to let the kit start one.',
      );
    }
    const started: StartedLocalStack = {
      mode: 'endpoint',
      endpoint: this.endpoint,
      version: health?.version ?? 'unknown',
      emulator: await emulatorName(this.endpoint, health),
      notLocalStack: true,
    };
    const missing = probes.filter((probe) => probe.problem);
    if (missing.length > 0) {
      throw new EnvironmentError(
        `${capitalised(emulatorLabel(started))} lacks services the track needs`,
        missing.map((probe) => `${probe.service} (${probe.call}: ${probe.problem})`).join('; '),
        `Run an emulator with those services, or unset NORTHPOLE_ENDPOINT to let the kit start LocalStack ${LOCALSTACK_VERSION}. \`npm run doctor -- --track\` lists what an emulator can grade.`,
      );
    }
    return started;
  }

  async stop(): Promise<string | undefined> {
    return undefined;
  }

  async describe(): Promise<ModeStatus> {
    const started = await this.running();
    if (!started) return { mode: 'endpoint', running: false, endpoint: this.endpoint };
    return {
      mode: 'endpoint',
      running: true,
      endpoint: this.endpoint,
      version: started.version,
      what: started.notLocalStack ? emulatorLabel(started) : undefined,
      since: await this.since(),
      started,
    };
  }

  /** LocalStack's own info route says how long it has run; other emulators may not. */
  private async since(): Promise<Date | undefined> {
    try {
      const response = await fetch(new URL('/_localstack/info', this.endpoint), { signal: AbortSignal.timeout(3000) });
      const { uptime } = (await response.json()) as { uptime?: number };
      return typeof uptime === 'number' ? new Date(Date.now() - uptime * 1000) : undefined;
    } catch {
      return undefined;
    }
  }
}
