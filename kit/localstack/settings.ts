import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EnvironmentError } from '../environmentError.ts';
import { PROJECT_ROOT } from '../paths.ts';

/** The one LocalStack release every mode runs: free, and importable on Python 3.11+ (it imports datetime.UTC). */
export const LOCALSTACK_VERSION = '4.13.1';
export const LOCALSTACK_IMAGE = `localstack/localstack:${LOCALSTACK_VERSION}`;

/** Only what the track uses, so start-up stays short and every service is loaded before the first grade. */
export const TRACK_SERVICES = [
  'apigateway',
  'events',
  'stepfunctions',
  'sqs',
  'sns',
  'dynamodb',
  'iam',
  'sts',
  's3',
  'secretsmanager',
  'cloudformation',
] as const;

export const DEFAULT_HOST_PORT = 4566;

export type ModeName = 'docker' | 'host' | 'endpoint';

export interface LocalStackSettings {
  /** `auto` picks Docker when an engine answers, otherwise the no-Docker (host) mode. */
  requested: ModeName | 'auto';
  /** An endpoint the user already runs (compose, an instructor's instance); nothing is started. */
  endpoint?: string;
  image: string;
  authToken?: string;
  hostPort: number;
  /** NORTHPOLE_PORT was set: a LocalStack of the kit's on another port is then an error, not a silent switch. */
  portGiven: boolean;
  /** Where `npm run localstack -- use` and auto mode's fallback remember a mode (.northpole/localstack-mode.json). */
  modeFile: string;
  /** The mode comes from that file, not from NORTHPOLE_LOCALSTACK. */
  modeRemembered: boolean;
  /** Where the kit keeps LocalStack's virtualenv, data and logs (ignored by git). */
  home: string;
  python: string;
  /** Load every service at start-up (the default) rather than on its first request. */
  eagerServices: boolean;
}

/** A setting that is not valid: reported as given, with what it should be, as a machine problem (exit 2). */
function invalid(name: string, given: string | undefined, expected: string): EnvironmentError {
  return new EnvironmentError(
    `${name} is not valid`,
    `${name} must be ${expected}; it is "${given ?? ''}".`,
    `Correct ${name}, or unset it to use the default.`,
  );
}

export function readSettings(env: NodeJS.ProcessEnv = process.env, root = PROJECT_ROOT): LocalStackSettings {
  const modeFile = path.join(env.NORTHPOLE_STATE_DIR ?? path.join(root, '.northpole'), 'localstack-mode.json');
  const remembered = env.NORTHPOLE_LOCALSTACK?.trim() ? undefined : readRememberedMode(modeFile);
  const requested = (env.NORTHPOLE_LOCALSTACK?.trim() || remembered || 'auto').toLowerCase();
  if (!['auto', 'docker', 'host', 'endpoint'].includes(requested)) {
    throw invalid('NORTHPOLE_LOCALSTACK', env.NORTHPOLE_LOCALSTACK, 'auto, docker, host or endpoint');
  }
  const endpoint = env.NORTHPOLE_ENDPOINT?.trim() || undefined;
  if (requested === 'endpoint' && !endpoint) {
    throw invalid('NORTHPOLE_ENDPOINT', env.NORTHPOLE_ENDPOINT, 'set when NORTHPOLE_LOCALSTACK=endpoint, e.g. http://127.0.0.1:4566');
  }
  if (endpoint) validateEndpoint(endpoint);
  const portGiven = !!env.NORTHPOLE_PORT?.trim();
  const port = portGiven ? Number(env.NORTHPOLE_PORT) : DEFAULT_HOST_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid('NORTHPOLE_PORT', env.NORTHPOLE_PORT, 'a TCP port number from 1 to 65535, e.g. 4567');
  }
  return {
    requested: requested as LocalStackSettings['requested'],
    endpoint: endpoint?.replace(/\/$/, ''),
    image: env.NORTHPOLE_LOCALSTACK_IMAGE?.trim() || LOCALSTACK_IMAGE,
    authToken: env.LOCALSTACK_AUTH_TOKEN || undefined,
    hostPort: port,
    portGiven,
    modeFile,
    modeRemembered: !!remembered,
    home: env.NORTHPOLE_LOCALSTACK_HOME ?? path.join(root, '.localstack'),
    python: env.NORTHPOLE_PYTHON ?? 'python3',
    eagerServices: env.NORTHPOLE_EAGER_SERVICES !== '0',
  };
}

function validateEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid('NORTHPOLE_ENDPOINT', endpoint, 'a URL such as http://127.0.0.1:4566');
  }
  if (!['http:', 'https:'].includes(url.protocol) || !url.hostname || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw invalid('NORTHPOLE_ENDPOINT', endpoint, 'an http:// or https:// address with a host and a port and no path, such as http://127.0.0.1:4566');
  }
}

/** The mode chosen with `npm run localstack -- use`, or by auto mode's fallback; undefined for auto. */
export function readRememberedMode(file: string): 'docker' | 'host' | undefined {
  try {
    const mode = (JSON.parse(readFileSync(file, 'utf8')) as { mode?: string }).mode;
    return mode === 'docker' || mode === 'host' ? mode : undefined;
  } catch {
    return undefined;
  }
}
