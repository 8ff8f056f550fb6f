import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesNotReady, waitForHealth } from '../../kit/localstack/health.ts';
import { CONTAINER_STATUS_FILE, patchFiles } from '../../kit/localstack/patches/localStackPatches.ts';
import { TempProject } from '../workbench/tempProject.ts';
import { dockerGroupImage } from './dockerEngine.ts';

const run = promisify(execFile);
const composeFile = path.resolve(import.meta.dirname, '../../docker/compose.yml');
const image = dockerGroupImage();
let compose: (...args: string[]) => Promise<string>;
let project: TempProject;
let endpoint = '';

/** The Compose v2 plugin when the docker CLI has it, else Debian's docker-compose. */
async function composeCommand(port: number): Promise<(...args: string[]) => Promise<string>> {
  const [command, ...prefix] = await run('docker', ['compose', 'version']).then(
    () => ['docker', 'compose'],
    () => ['docker-compose'],
  );
  const env = { ...process.env, NORTHPOLE_LOCALSTACK_IMAGE: image, NORTHPOLE_PORT: String(port) };
  return async (...args) =>
    (await run(command!, [...prefix, '--file', composeFile, '--project-name', 'northpole-compose-test', ...args], { env, timeout: 180_000 })).stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('docker/compose.yml, for real', () => {
  beforeAll(async () => {
    // Never 4566: that port may belong to another LocalStack on this machine.
    const port = await freePort();
    compose = await composeCommand(port);
    endpoint = `http://127.0.0.1:${port}`;
    project = await TempProject.create();
  });

  afterAll(async () => {
    await compose?.('down', '--volumes');
    await project?.remove();
  });

  it("starts the LocalStack of the compose file with the kit's patches applied at boot", async () => {
    await compose('up', '--detach');
    const { health, notReady } = await waitForHealth(endpoint, 120_000);
    expect(notReady).toEqual([]);
    expect(servicesNotReady(health!)).toEqual([]);
    const status = JSON.parse(await compose('exec', '-T', 'localstack', 'cat', CONTAINER_STATUS_FILE)) as { applied: string[] };
    expect(status.applied).toHaveLength(patchFiles().length);
  });

  it('grades exercise 1 against it through NORTHPOLE_ENDPOINT', async () => {
    const solution = await project.run(['exercise', '1', '--solution'], { NORTHPOLE_ENDPOINT: endpoint }, 120_000);
    expect(solution.code, solution.stdout + solution.stderr).toBe(0);
    const starter = await project.run(['exercise', '1'], { NORTHPOLE_ENDPOINT: endpoint }, 120_000);
    expect(starter.code).toBe(1);
  });
});
