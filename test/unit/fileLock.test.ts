import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIdentity, isRunning, parseIdentity, processIdentity, withFileLock } from '../../kit/fileLock.ts';

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
    // Broken at once: never waited for as if its owner were alive.
    const waitedFor: number[] = [];
    expect(await withFileLock(lock, async () => 'held', { onWait: (owner) => waitedFor.push(owner) })).toBe('held');
    expect(waitedFor).toEqual([]);
    await expect(fs.access(lock)).rejects.toThrow();
  });

  it('names its owner by pid, start time and boot, and only that process is its owner', () => {
    const me = processIdentity(process.pid);
    expect(parseIdentity(formatIdentity(me))).toEqual(me);
    expect(isRunning(me)).toBe(true);
    // Linux says when a process started and which boot it belongs to; a recycled pid or a reboot changes one.
    if (process.platform === 'linux') {
      expect(me.started).toMatch(/^\d+$/);
      expect(me.boot).toMatch(/^[0-9a-f-]{36}$/);
      expect(isRunning({ ...me, started: String(Number(me.started) + 1) })).toBe(false);
      expect(isRunning({ ...me, boot: '00000000-0000-0000-0000-000000000000' })).toBe(false);
    }
  });

  it.runIf(process.platform === 'linux')('breaks a lock whose pid now belongs to another process (a recycled pid, or one from before a reboot)', async () => {
    for (const [name, owner] of [
      ['recycled.lock', { ...processIdentity(process.pid), started: '1' }],
      ['rebooted.lock', { ...processIdentity(process.pid), boot: '00000000-0000-0000-0000-000000000000' }],
    ] as const) {
      const lock = path.join(dir, name);
      await fs.writeFile(lock, formatIdentity(owner));
      const waited: number[] = [];
      // This process is alive with that pid: a lock trusted on its pid alone would be waited for until the deadline.
      expect(await withFileLock(lock, async () => 'held', { waitMs: 5000, onWait: (pid) => waited.push(pid) })).toBe('held');
      expect(waited).toEqual([]);
      await expect(fs.access(lock)).rejects.toThrow();
    }
  });

  it('waits for a live owner (its full identity, or a pid alone from an older kit), then gives up with who holds it', async () => {
    const full = path.join(dir, 'held-full.lock');
    await fs.writeFile(full, formatIdentity(processIdentity(process.pid)));
    await expect(withFileLock(full, async () => 'never', { waitMs: 300 })).rejects.toMatchObject({
      name: 'EnvironmentError',
      what: expect.stringContaining(`held by process ${process.pid}`),
    });
    const lock = path.join(dir, 'held.lock');
    await fs.writeFile(lock, String(process.pid));
    const waited: number[] = [];
    await expect(withFileLock(lock, async () => 'never', { waitMs: 300, onWait: (pid) => waited.push(pid) })).rejects.toMatchObject({
      name: 'EnvironmentError',
      what: expect.stringContaining(`held by process ${process.pid}`),
    });
    expect(waited).toEqual([process.pid]);
  });

  it('reports a folder that cannot be written as the environment problem it is', async () => {
    const file = path.join(dir, 'a-file');
    await fs.writeFile(file, '');
    await expect(withFileLock(path.join(file, 'x.lock'), async () => 'never')).rejects.toMatchObject({
      name: 'EnvironmentError',
      what: expect.stringContaining('a-file'),
    });
  });
});
