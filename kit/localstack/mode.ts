import { existsSync } from 'node:fs';
import type { LocalStackSettings, ModeName } from './settings.ts';

export interface ModeChoice {
  mode: ModeName;
  reason: string;
}

/** Which way to run LocalStack: an explicit endpoint wins, then an explicit mode, then Docker when it answers. */
export function chooseMode(settings: Pick<LocalStackSettings, 'requested' | 'endpoint'>, dockerAnswers: boolean): ModeChoice {
  if (settings.endpoint) return { mode: 'endpoint', reason: `NORTHPOLE_ENDPOINT is set (${settings.endpoint})` };
  if (settings.requested === 'docker') return { mode: 'docker', reason: 'NORTHPOLE_LOCALSTACK=docker' };
  if (settings.requested === 'host') return { mode: 'host', reason: 'NORTHPOLE_LOCALSTACK=host' };
  return dockerAnswers
    ? { mode: 'docker', reason: 'a Docker engine answers' }
    : { mode: 'host', reason: 'no Docker engine answers, so LocalStack runs from PyPI on this machine' };
}

/** A cheap look for a Docker engine: its socket or DOCKER_HOST, then a ping with a short deadline. */
export async function dockerAnswers(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1500): Promise<boolean> {
  const socket = '/var/run/docker.sock';
  if (!env.DOCKER_HOST && !existsSync(socket)) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await Promise.race([
      getContainerRuntimeClient(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
    ]);
    return !!client;
  } catch {
    return false;
  }
}
