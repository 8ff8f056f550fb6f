import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The label with the digest of the patch set a container was made with (see NorthPoleLocalStackContainer). */
export const PATCHES_LABEL = 'org.northpole.kit.patches';

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

/** A container of the kit's Docker mode, as the engine lists it. */
export interface KitContainer {
  id: string;
  name: string;
  image: string;
  /** running, exited, created, ... */
  state: string;
  /** Seconds since the epoch. */
  created: number;
  /** The host address LocalStack's port 4566 is published on, when it is. */
  endpoint?: string;
  labels: Record<string, string>;
}

/** The label every container of the kit's Docker mode carries (docker/compose.yml's too). */
export const KIT_LABEL = 'org.northpole.kit=localstack';

/**
 * The few questions the kit asks a Docker engine, over its HTTP API: does it answer, does it have the
 * image, can it get the image, which containers of the kit it runs; and removing one. Starting the
 * container is testcontainers' job.
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

  /** The kit's LocalStack containers, running or not, newest first; undefined when the engine does not answer. */
  async kitContainers(): Promise<KitContainer[] | undefined> {
    const answer = await this.get(`/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [KIT_LABEL] }))}`, 5000);
    if (answer?.status !== 200) return undefined;
    const listed = JSON.parse(answer.body) as {
      Id: string;
      Names?: string[];
      Image: string;
      State: string;
      Created: number;
      Labels?: Record<string, string>;
      Ports?: { PrivatePort: number; PublicPort?: number; IP?: string }[];
    }[];
    return listed
      .map((container) => {
        const port = container.Ports?.find((entry) => entry.PrivatePort === 4566 && entry.PublicPort);
        const host = !port?.IP || port.IP === '0.0.0.0' ? '127.0.0.1' : port.IP.includes(':') ? `[${port.IP}]` : port.IP;
        return {
          id: container.Id,
          name: (container.Names?.[0] ?? container.Id.slice(0, 12)).replace(/^\//, ''),
          image: container.Image,
          state: container.State,
          created: container.Created,
          endpoint: port ? `http://${host}:${port.PublicPort}` : undefined,
          labels: container.Labels ?? {},
        };
      })
      .sort((a, b) => b.created - a.created);
  }

  /** Removes a container and its anonymous volumes, running or not; true when the engine did. */
  async removeContainer(id: string): Promise<boolean> {
    const answer = await this.request('DELETE', `/containers/${encodeURIComponent(id)}?force=true&v=true`, 60_000);
    return answer?.status === 204 || answer?.status === 404;
  }

  private get(path: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined> {
    return this.request('GET', path, timeoutMs);
  }

  private request(method: string, path: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined> {
    const address = this.address;
    if (!address) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const request = http.request({ ...address, method, path, timeout: timeoutMs, headers: { host: 'docker' } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', () => resolve(undefined));
      });
      request.on('timeout', () => (request.destroy(), resolve(undefined)));
      request.on('error', () => resolve(undefined));
      request.end();
    });
  }
}
