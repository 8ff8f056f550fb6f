import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError } from './environmentError.ts';
import { unwritableProblem } from './unwritable.ts';

export interface LockOptions {
  /** How long to wait for another process to let go before giving up. */
  waitMs?: number;
  /** Called once when the lock is held by another live process, e.g. to say who is waited for. */
  onWait?: (ownerPid: number) => void;
}

const POLL_MS = 40;

/**
 * Runs `work` while holding `file`, across processes: the lock is created atomically (`wx`) with the
 * owner's pid in it, and a lock whose owner has died is broken. Small on purpose: the kit only needs
 * one writer at a time for a few small files and for starting LocalStack.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  await acquire(file, options);
  try {
    return await work();
  } finally {
    await fs.rm(file, { force: true });
  }
}

async function acquire(file: string, { waitMs = 30_000, onWait }: LockOptions): Promise<void> {
  const until = Date.now() + waitMs;
  let told = false;
  await fs.mkdir(path.dirname(file), { recursive: true }).catch((error: unknown) => {
    throw unwritableProblem(error, path.dirname(file)) ?? error;
  });
  for (;;) {
    try {
      const handle = await fs.open(file, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritableProblem(error, file) ?? error;
    }
    const owner = await ownerOf(file);
    if (owner !== undefined && !isAlive(owner)) {
      await breakStale(file, owner);
      continue;
    }
    if (owner === undefined && (await ageMs(file)) > 2000) {
      // Its owner died between creating it and writing its pid.
      await fs.rm(file, { force: true });
      continue;
    }
    if (Date.now() > until) {
      throw new EnvironmentError(
        `${file} is still held by process ${owner ?? '(unknown)'} after ${waitMs / 1000} s`,
        'Another command of the kit holds this lock and has not let go.',
        `Wait for the other command to finish; if none is running, remove ${file} and run the command again.`,
      );
    }
    if (!told && owner !== undefined) {
      told = true;
      onWait?.(owner);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The pid in the lock; undefined while its owner is still writing it (or it is gone). */
async function ownerOf(file: string): Promise<number | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function ageMs(file: string): Promise<number> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat ? Date.now() - stat.mtimeMs : 0;
}

/**
 * Two processes may find the same dead owner; only the one that moves the lock aside while it
 * still names that owner removes it, so a fresh lock taken meanwhile is never broken.
 */
async function breakStale(file: string, deadOwner: number): Promise<void> {
  const aside = `${file}.${process.pid}-${randomBytes(3).toString('hex')}.stale`;
  try {
    await fs.rename(file, aside);
  } catch {
    return;
  }
  if ((await ownerOf(aside)) !== deadOwner) {
    // A live process took the lock between the look and the move: give it back.
    await fs.link(aside, file).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
