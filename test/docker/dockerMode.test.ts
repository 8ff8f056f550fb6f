import net from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHealth, servicesNotReady } from '../../kit/localstack/health.ts';
import { CONTAINER_STATUS_FILE, patchFiles } from '../../kit/localstack/patches/localStackPatches.ts';
import { loadTrack } from '../../kit/track.ts';
import { replayThroughArchive } from '../support/replay.ts';
import { TempProject } from '../workbench/tempProject.ts';
import { docker, dockerGroupImage, dockerModeEnvironment, kitContainers } from './dockerEngine.ts';

const image = dockerGroupImage();
const env = dockerModeEnvironment(image);
const exercises = loadTrack().exercises;
// Christmas Eve deploys the whole track and pushes a batch through it, replay included. (Exercise 9's
// tracker listens on the host's loopback, which a container cannot reach: it is graded in the no-Docker mode.)
const last = exercises.find((exercise) => exercise.slug === 'christmas-eve')!;
let project: TempProject;
let endpoint = '';
let containerId = '';

/** Whole-process wall time of one kit command, as a learner waits for it. */
async function timed(args: string[]) {
  const started = performance.now();
  const ran = await project.run(args, env, 240_000);
  const seconds = (performance.now() - started) / 1000;
  console.log(`docker mode: ${args.join(' ')} -> exit ${ran.code} in ${seconds.toFixed(1)} s`);
  return { ...ran, seconds };
}

/** Connecting to host:port: true when something accepts, false when refused or silent. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

describe('the Docker mode, for real', () => {
  beforeAll(async () => {
    project = await TempProject.create();
    // A cold start: no container of the kit from this image may be left from an earlier run.
    for (const id of await kitContainers(image)) await docker('rm', '--force', id);
  });

  afterAll(async () => {
    for (const id of await kitContainers(image)) await docker('rm', '--force', id);
    await project?.remove();
  });

  it('starts LocalStack through Testcontainers with every track service ready', async () => {
    const start = await timed(['localstack', 'start']);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/\(docker mode\)/);
    endpoint = /ready at (http:\/\/\S+) /.exec(start.stdout)![1]!;
    const health = await readHealth(endpoint, 5000);
    expect(health?.version).toMatch(/^4\.13\.1/);
    expect(servicesNotReady(health!)).toEqual([]);
    [containerId] = await kitContainers(image);
    expect(containerId).toBeTruthy();
  });

  it('applied every patch of the kit in the container before LocalStack started', async () => {
    const status = JSON.parse(await docker('exec', containerId, 'cat', CONTAINER_STATUS_FILE)) as { applied: string[] };
    expect(status.applied).toHaveLength(patchFiles().length);
  });

  it('publishes the port on 127.0.0.1 only, as seen from the host', async () => {
    const port = Number(new URL(endpoint).port);
    expect(new URL(endpoint).hostname).toBe('127.0.0.1');
    const bindings = JSON.parse(await docker('inspect', '--format', '{{json .NetworkSettings.Ports}}', containerId)) as Record<
      string,
      { HostIp: string; HostPort: string }[] | null
    >;
    const published = Object.values(bindings).flatMap((hosts) => hosts ?? []);
    expect(published.length).toBeGreaterThan(0);
    expect(published.every((host) => host.HostIp === '127.0.0.1')).toBe(true);
    // From the host: loopback accepts, every other address of this machine refuses.
    expect(await accepts('127.0.0.1', port)).toBe(true);
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((entry) => entry && entry.family === 'IPv4' && !entry.internal)
      .map((entry) => entry!.address);
    expect(others.length).toBeGreaterThan(0);
    for (const address of others) expect(await accepts(address, port), `${address}:${port}`).toBe(false);
  });

  it('reuses the same container on a second run (warm start)', async () => {
    const again = await timed(['localstack', 'start']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(endpoint);
    expect(await kitContainers(image)).toEqual([containerId]);
  });

  it('status names the mode, the address, the container, its version and uptime; doctor sees the same container', async () => {
    const status = await timed(['localstack', 'status']);
    console.log(status.stdout);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout.trim()).toMatch(
      new RegExp(
        `^LocalStack 4\\.13\\.1\\S* answers at ${endpoint.replaceAll('.', '\\.')} \\(Docker mode: container \\S+ \\(${containerId.slice(0, 12)}\\) from ${image.replaceAll('.', '\\.')}, up [^)]+\\)\\.$`,
      ),
    );
    const doctor = await timed(['doctor']);
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toMatch(/✓ LocalStack mode\s+docker: the Docker LocalStack of this kit is running and is reused/);
    expect(doctor.stdout).toContain(`answers at ${endpoint} (started by the kit: container`);
    expect(doctor.stdout).toMatch(/✓ LocalStack patches\s+every patch applied in container/);
  });

  it(`grades exercise 1 and exercise ${last.number}: the solutions pass, the untouched starters fail`, async () => {
    const first = await timed(['exercise', '1', '--solution']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const warm = await timed(['exercise', '1', '--solution']);
    expect(warm.code, warm.stdout + warm.stderr).toBe(0);
    expect((await timed(['exercise', '1'])).code).toBe(1);
    const solved = await timed(['exercise', String(last.number), '--solution']);
    expect(solved.code, solved.stdout + solved.stderr).toBe(0);
    const starter = await timed(['exercise', String(last.number)]);
    expect(starter.code, starter.stdout + starter.stderr).toBe(1);
    expect(await kitContainers(image)).toEqual([containerId]);
  }, 900_000);

  it("replays archived events (the kit's replay patch at work)", async () => {
    const proof = await replayThroughArchive(endpoint);
    expect(proof.replayState).toBe('COMPLETED');
    expect(proof.replayed).toMatchObject({ 'replay-name': proof.replayName, detail: { orderId: proof.orderId } });
  });

  it('`npm run localstack -- stop` removes the container: it is gone, nothing answers on its port, status says so', async () => {
    const stop = await timed(['localstack', 'stop']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toContain(`Removed the Docker LocalStack: container`);
    expect(stop.stdout).toContain(`(${containerId.slice(0, 12)})`);
    expect(await kitContainers(image)).toEqual([]);
    expect(await readHealth(endpoint, 1000)).toBeUndefined();
    const status = await timed(['localstack', 'status']);
    expect([status.code, status.stdout]).toEqual([2, expect.stringContaining('No LocalStack of this kit is running')]);
    const again = await timed(['localstack', 'stop']);
    expect([again.code, again.stdout.trim()]).toEqual([0, 'No LocalStack of this kit was running.']);
  });
});
