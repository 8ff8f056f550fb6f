import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The one LocalStack release every mode runs: free, and still importable on Python 3.10+. */
export const LOCALSTACK_VERSION = '4.13.1';
export const LOCALSTACK_IMAGE = `localstack/localstack:${LOCALSTACK_VERSION}`;

/** Only what the track uses, so start-up stays short and every service is loaded before the first grade. */
export const TRACK_SERVICES = ['apigateway', 'events', 'stepfunctions', 'sqs', 'sns', 'dynamodb', 'iam', 'sts'] as const;

export const DEFAULT_HOST_PORT = 4566;

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ModeName = 'docker' | 'host' | 'endpoint';

export interface LocalStackSettings {
  /** `auto` picks Docker when an engine answers, otherwise the no-Docker (host) mode. */
  requested: ModeName | 'auto';
  /** An endpoint the user already runs (compose, an instructor's instance); nothing is started. */
  endpoint?: string;
  image: string;
  authToken?: string;
  hostPort: number;
  /** Where the kit keeps LocalStack's virtualenv, data and logs (ignored by git). */
  home: string;
  python: string;
  /** Load every service at start-up (the default) rather than on its first request. */
  eagerServices: boolean;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): LocalStackSettings {
  const requested = (env.NORTHPOLE_LOCALSTACK ?? 'auto').trim().toLowerCase();
  if (!['auto', 'docker', 'host', 'endpoint'].includes(requested)) {
    throw new Error(`NORTHPOLE_LOCALSTACK must be auto, docker, host or endpoint; it is "${requested}".`);
  }
  const endpoint = env.NORTHPOLE_ENDPOINT?.trim() || undefined;
  if (requested === 'endpoint' && !endpoint) {
    throw new Error('NORTHPOLE_LOCALSTACK=endpoint needs NORTHPOLE_ENDPOINT, e.g. http://127.0.0.1:4566.');
  }
  const port = Number(env.NORTHPOLE_PORT ?? DEFAULT_HOST_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`NORTHPOLE_PORT must be a TCP port number; it is "${env.NORTHPOLE_PORT}".`);
  }
  return {
    requested: requested as LocalStackSettings['requested'],
    endpoint,
    image: env.NORTHPOLE_LOCALSTACK_IMAGE?.trim() || LOCALSTACK_IMAGE,
    authToken: env.LOCALSTACK_AUTH_TOKEN || undefined,
    hostPort: port,
    home: env.NORTHPOLE_LOCALSTACK_HOME ?? path.join(root, '.localstack'),
    python: env.NORTHPOLE_PYTHON ?? 'python3',
    eagerServices: env.NORTHPOLE_EAGER_SERVICES !== '0',
  };
}
