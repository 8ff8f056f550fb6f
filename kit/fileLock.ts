import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/**
 * A process as a lock names it: its pid, and where the system tells them, its start time and the
 * boot it belongs to. A pid alone is not enough: after a reboot, or once the owner has died and its
 * pid was handed to another process, a pid-only lock would be trusted for ever.
 */
export interface ProcessIdentity {
  pid: number;
  /** Linux: field 22 of /proc/<pid>/stat, clock ticks after boot. */
  started?: string;
  /** Linux: /proc/sys/kernel/random/boot_id. */
  boot?: string;
}

const POLL_MS = 40;

/**
 * Runs `work` while holding `file`, across processes: the lock is created atomically (`wx`) with the
 * owner's identity in it, and a lock whose owner is gone is broken. Small on purpose: the kit only
 * needs one writer at a time for a few small files and for starting LocalStack.
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
        await handle.writeFile(formatIdentity(processIdentity(process.pid)));
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritableProblem(error, file) ?? error;
    }
    const owner = await ownerOf(file);
    if (owner && !isRunning(owner)) {
      await breakStale(file, owner);
      continue;
    }
    if (!owner && (await ageMs(file)) > 2000) {
      // Its owner died between creating it and writing its identity.
      await fs.rm(file, { force: true });
      continue;
    }
    if (Date.now() > until) {
      throw new EnvironmentError(
        `${file} is still held by process ${owner?.pid ?? '(unknown)'} after ${waitMs / 1000} s`,
        'Another command of the kit holds this lock and has not let go.',
        `Wait for the other command to finish; if none is running, remove ${file} and run the command again.`,
      );
    }
    if (!told && owner) {
      told = true;
      onWait?.(owner.pid);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `pid start boot`, one line; a lock written by an older kit holds the pid alone. */
export function formatIdentity(identity: ProcessIdentity): string {
  return [identity.pid, identity.started ?? '-', identity.boot ?? '-'].join(' ');
}

export function parseIdentity(text: string): ProcessIdentity | undefined {
  const [pid, started, boot] = text.trim().split(/\s+/);
  const number = Number(pid);
  if (!Number.isInteger(number) || number <= 0) return undefined;
  return { pid: number, started: started && started !== '-' ? started : undefined, boot: boot && boot !== '-' ? boot : undefined };
}

/** The identity of a running process now; undefined fields where the system does not tell. */
export function processIdentity(pid: number): ProcessIdentity {
  return { pid, started: startTicks(pid), boot: bootId() };
}

/**
 * Whether the process a record names still runs: a live pid, started when the record says, in this
 * boot. A record without a start time (another system, an older kit) falls back to the pid.
 */
export function isRunning(owner: ProcessIdentity): boolean {
  if (!isAlive(owner.pid)) return false;
  const boot = bootId();
  if (owner.boot && boot && owner.boot !== boot) return false;
  const started = startTicks(owner.pid);
  return !(owner.started && started && owner.started !== started);
}

let bootIdRead: string | undefined | null = null;

function bootId(): string | undefined {
  if (bootIdRead === null) {
    try {
      bootIdRead = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      bootIdRead = undefined;
    }
  }
  return bootIdRead;
}

function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised name (which may hold spaces) start at field 3; the start time is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
  } catch {
    return undefined;
  }
}

/** The identity in the lock; undefined while its owner is still writing it (or it is gone). */
async function ownerOf(file: string): Promise<ProcessIdentity | undefined> {
  return parseIdentity(await fs.readFile(file, 'utf8').catch(() => ''));
}

async function ageMs(file: string): Promise<number> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat ? Date.now() - stat.mtimeMs : 0;
}

/**
 * Two processes may find the same dead owner; only the one that moves the lock aside while it
 * still names that owner removes it, so a fresh lock taken meanwhile is never broken.
 */
async function breakStale(file: string, deadOwner: ProcessIdentity): Promise<void> {
  const aside = `${file}.${process.pid}-${randomBytes(3).toString('hex')}.stale`;
  try {
    await fs.rename(file, aside);
  } catch {
    return;
  }
  if (formatIdentity((await ownerOf(aside)) ?? { pid: 0 }) !== formatIdentity(deadOwner)) {
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
