import fs from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError } from '../environmentError.ts';
import { DockerEngine } from './docker/dockerEngine.ts';
import { hostModeLacks } from './host/install.ts';
import type { LocalStackSettings, ModeName } from './settings.ts';

export interface ModeChoice {
  mode: ModeName;
  reason: string;
  /** Auto mode fell back from Docker: remembered so the next terminal does not try again. */
  remember?: boolean;
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

/**
 * The mode the next grade really uses, the same for `exercise` and `doctor`. In auto mode Docker is
 * chosen only when its engine answers and has the image or can get it; otherwise the no-Docker mode
 * when Python and a JDK are there; otherwise one error that says what each mode lacks.
 */
export async function resolveMode(settings: LocalStackSettings, env: NodeJS.ProcessEnv = process.env): Promise<ModeChoice> {
  const explicit = chooseMode(settings, true);
  if (settings.endpoint || settings.requested !== 'auto') {
    return settings.modeRemembered && explicit.mode !== 'endpoint' ? { ...explicit, reason: `chosen earlier, remembered in ${settings.modeFile}` } : explicit;
  }
  const engine = new DockerEngine(env);
  if (!(await engine.answers())) return chooseMode(settings, false);
  if (await engine.hasImage(settings.image)) return { mode: 'docker', reason: `a Docker engine answers and has ${settings.image}` };
  const cannotPull = await engine.cannotPull(settings.image);
  if (!cannotPull) return { mode: 'docker', reason: `a Docker engine answers and can pull ${settings.image}` };
  const lacks = await hostModeLacks(settings);
  if (!lacks) {
    return {
      mode: 'host',
      reason: `a Docker engine answers but cannot get ${settings.image} (${cannotPull}), so LocalStack runs without Docker`,
      remember: true,
    };
  }
  throw new EnvironmentError(
    'LocalStack cannot run here in either mode',
    `Docker: the engine answers, but it has no ${settings.image} and cannot pull it (${cannotPull}). Without Docker: ${lacks}.`,
    `Either let Docker pull the image (\`docker pull ${settings.image}\`: network, proxy, registry), or install what the no-Docker mode lacks, or point NORTHPOLE_ENDPOINT at a LocalStack that runs elsewhere.`,
  );
}

export async function rememberMode(file: string, mode: 'docker' | 'host' | 'auto', reason: string): Promise<void> {
  if (mode === 'auto') {
    await fs.rm(file, { force: true });
    return;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify({ mode, reason, at: new Date().toISOString() }, null, 2)}\n`);
}

/** A cheap look for a Docker engine: a ping with a short deadline. */
export function dockerAnswers(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1500): Promise<boolean> {
  return new DockerEngine(env).answers(timeoutMs);
}
