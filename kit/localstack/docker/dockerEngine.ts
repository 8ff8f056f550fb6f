import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where engines listen when DOCKER_HOST is not set: Linux, Docker Desktop, Colima, Rancher Desktop, Windows. */
function usualSockets(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? env.USERPROFILE ?? '';
  return [
    '/var/run/docker.sock',
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    path.join(home, '.colima', 'default', 'docker.sock'),
    path.join(home, '.rd', 'docker.sock'),
    ...(env.XDG_RUNTIME_DIR ? [path.join(env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
  ];
}

/** Where the Docker engine listens: DOCKER_HOST (unix://, npipe:// or tcp://), else the usual sockets. */
function engineAddress(env: NodeJS.ProcessEnv): { socketPath: string } | { host: string; port: number } | undefined {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (!dockerHost) {
    if (process.platform === 'win32') return { socketPath: '\\\\.\\pipe\\docker_engine' };
    const socket = usualSockets(env).find((candidate) => existsSync(candidate));
    return socket ? { socketPath: socket } : undefined;
  }
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost.startsWith('npipe://')) return { socketPath: dockerHost.slice('npipe://'.length).replaceAll('/', '\\') };
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}

/**
 * The few questions the kit asks a Docker engine before choosing it, over its HTTP API: does it
 * answer, does it have the image, can it get the image. Starting the container is testcontainers' job.
 */
export class DockerEngine {
  private readonly address;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.address = engineAddress(env);
  }

  async answers(timeoutMs = 1500): Promise<boolean> {
    return (await this.get('/_ping', timeoutMs))?.status === 200;
  }

  async hasImage(image: string): Promise<boolean> {
    return (await this.get(`/images/${encodeURIComponent(image)}/json`, 5000))?.status === 200;
  }

  /** Asks the engine to read the image's manifest from its registry, through the engine's own proxy settings; why not, when it cannot. */
  async cannotPull(image: string): Promise<string | undefined> {
    const answer = await this.get(`/distribution/${encodeURIComponent(image)}/json`, 15_000);
    if (answer?.status === 200) return undefined;
    if (!answer) return 'the engine did not answer in time';
    const message = (() => {
      try {
        return (JSON.parse(answer.body) as { message?: string }).message;
      } catch {
        return answer.body.trim().slice(0, 200);
      }
    })();
    return `the engine answered ${answer.status}${message ? `: ${message}` : ''}`;
  }

  private get(path: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined> {
    const address = this.address;
    if (!address) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const request = http.get({ ...address, path, timeout: timeoutMs, headers: { host: 'docker' } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', () => resolve(undefined));
      });
      request.on('timeout', () => (request.destroy(), resolve(undefined)));
      request.on('error', () => resolve(undefined));
    });
  }
}
