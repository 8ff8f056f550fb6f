import { TRACK_SERVICES } from './settings.ts';

export interface Health {
  version: string;
  services: Record<string, string>;
  /** The answer carried LocalStack's own `x-localstack` header; another emulator may copy the route, not the header. */
  isLocalStack?: boolean;
}

/** One look at `/_localstack/health`; undefined when nothing answers there. */
export async function readHealth(endpoint: string, timeoutMs = 5000): Promise<Health | undefined> {
  try {
    const response = await fetch(new URL('/_localstack/health', endpoint), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const health = (await response.json()) as Health;
    if (typeof health !== 'object' || health === null || typeof health.services !== 'object' || health.services === null) return undefined;
    return { ...health, isLocalStack: response.headers.has('x-localstack') };
  } catch {
    return undefined;
  }
}

/** The track's services that are not ready, with their state ("error", "disabled", missing...). */
export function servicesNotReady(health: Health): string[] {
  return TRACK_SERVICES.filter((name) => !['running', 'available'].includes(health.services[name] ?? 'missing')).map(
    (name) => `${name}: ${health.services[name] ?? 'missing'}`,
  );
}

/**
 * Polls until every service of the track is ready or the deadline passes.
 * `stillStarting` lets the caller stop early when the process it started has died.
 */
export async function waitForHealth(
  endpoint: string,
  deadlineMs: number,
  stillStarting: () => boolean = () => true,
  answerTimeoutMs = 1500,
): Promise<{ health?: Health; notReady: string[] }> {
  const until = Date.now() + deadlineMs;
  let last: Health | undefined;
  while (Date.now() < until && stillStarting()) {
    last = await readHealth(endpoint, Math.min(answerTimeoutMs, Math.max(until - Date.now(), 100)));
    if (last && servicesNotReady(last).length === 0) return { health: last, notReady: [] };
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return { health: last, notReady: last ? servicesNotReady(last) : ['nothing answered'] };
}
