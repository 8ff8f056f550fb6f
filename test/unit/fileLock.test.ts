import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../../kit/fileLock.ts';

describe('the lock file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-lock-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('lets one change through at a time: 20 read-modify-writes keep all 20', async () => {
    const counter = path.join(dir, 'counter');
    await fs.writeFile(counter, '0');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withFileLock(`${counter}.lock`, async () => {
          const value = Number(await fs.readFile(counter, 'utf8'));
          await new Promise((resolve) => setTimeout(resolve, 5));
          await fs.writeFile(counter, String(value + 1));
        }),
      ),
    );
    expect(await fs.readFile(counter, 'utf8')).toBe('20');
  });

  it('breaks a lock whose owner has died, and leaves none behind', async () => {
    const lock = path.join(dir, 'stale.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await fs.writeFile(lock, dead);
    const started = performance.now();
    expect(await withFileLock(lock, async () => 'held')).toBe('held');
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(fs.access(lock)).rejects.toThrow();
  });

  it('waits for a live owner, then gives up with who holds it', async () => {
    const lock = path.join(dir, 'held.lock');
    await fs.writeFile(lock, String(process.pid));
    const waited: number[] = [];
    await expect(withFileLock(lock, async () => 'never', { waitMs: 300, onWait: (pid) => waited.push(pid) })).rejects.toMatchObject({ name: 'EnvironmentError', what: expect.stringContaining(`held by process ${process.pid}`) });
    expect(waited).toEqual([process.pid]);
  });

  it('reports a folder that cannot be written as the environment problem it is', async () => {
    const file = path.join(dir, 'a-file');
    await fs.writeFile(file, '');
    await expect(withFileLock(path.join(file, 'x.lock'), async () => 'never')).rejects.toMatchObject({ name: 'EnvironmentError', what: expect.stringContaining('a-file') });
  });
});
