import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAlive, withFileLock } from '../fileLock.ts';
import { stateWriteProblem } from '../stateDir.ts';
import type { Creation } from './creations.ts';

/** `np` and five base-36 characters: short enough for every AWS name limit, unique enough per machine. */
export function newNamespace(): string {
  const bytes = randomBytes(5);
  return `np${Array.from(bytes, (byte) => (byte % 36).toString(36)).join('')}`;
}

export function isNamespace(value: string): boolean {
  return /^np[0-9a-z]{5}$/.test(value);
}

interface NamespaceRecord {
  namespace: string;
  exercise: number;
  pid: number;
  startedAt: string;
  /** What the run's code created without the namespace in its name: removed with the namespace. */
  extras?: Creation[];
}

/**
 * The namespaces this project's runs created, so old ones can be removed. A namespace whose run
 * is still alive (another terminal, a parallel test) is never touched.
 */
export class NamespaceRegistry {
  private readonly file: string;
  /** Updates from one process run one after another, and across processes under a lock file. */
  private updates: Promise<void> = Promise.resolve();

  constructor(
    stateDir: string,
    private readonly leases = new NamespaceLeases(),
  ) {
    this.file = path.join(stateDir, 'namespaces.json');
  }

  async open(exercise: number): Promise<string> {
    const namespace = newNamespace();
    const record = { namespace, exercise, pid: process.pid, startedAt: new Date().toISOString() };
    // The lease first: from the moment resources can exist, no other project takes them for an orphan.
    await this.leases.write({ ...record, registry: this.file });
    await this.update((records) => [...records, record]);
    return namespace;
  }

  /** Namespaces to clean up: every one but `keep`, whose run has ended. */
  async stale(keep: string): Promise<string[]> {
    const records = await this.read();
    return records.filter((record) => record.namespace !== keep && !isRunning(record.pid)).map((record) => record.namespace);
  }

  /** Namespaces of runs still going (this one included): never swept, whatever else is known. */
  async alive(): Promise<string[]> {
    return (await this.read()).filter((record) => isRunning(record.pid)).map((record) => record.namespace);
  }

  /** Records what a run's code created outside its namespace, so that it is removed with it. */
  async recordExtras(namespace: string, extras: Creation[]): Promise<void> {
    if (extras.length === 0) return;
    await this.update((records) =>
      records.map((record) => (record.namespace === namespace ? { ...record, extras: [...(record.extras ?? []), ...extras] } : record)),
    );
  }

  /** What stale runs (see `stale`) created outside their namespaces. */
  async staleExtras(keep: string): Promise<Creation[]> {
    const stale = new Set(await this.stale(keep));
    return (await this.read()).filter((record) => stale.has(record.namespace)).flatMap((record) => record.extras ?? []);
  }

  async forget(namespaces: string[]): Promise<void> {
    await this.update((records) => records.filter((record) => !namespaces.includes(record.namespace)));
    await this.leases.remove(namespaces);
  }

  /** The namespaces of one exercise's runs, the newest first. */
  async of(exercise: number): Promise<string[]> {
    const records = (await this.read()).filter((record) => record.exercise === exercise);
    return records.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).map((record) => record.namespace);
  }

  async all(): Promise<string[]> {
    return (await this.read()).map((record) => record.namespace);
  }

  private read(): Promise<NamespaceRecord[]> {
    return readRecords(this.file);
  }

  private update(change: (records: NamespaceRecord[]) => NamespaceRecord[]): Promise<void> {
    const write = () =>
      withFileLock(`${this.file}.lock`, async () => {
        const next = change(await this.read());
        const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
        try {
          await fs.writeFile(temporary, JSON.stringify(next, null, 2));
          await fs.rename(temporary, this.file);
        } catch (error) {
          await fs.rm(temporary, { force: true });
          throw stateWriteProblem(error, this.file) ?? error;
        }
      });
    this.updates = this.updates.then(write, write);
    return this.updates;
  }
}

async function readRecords(file: string): Promise<NamespaceRecord[]> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
    return Array.isArray(parsed) ? parsed.filter((record: NamespaceRecord) => isNamespace(record?.namespace ?? '')) : [];
  } catch {
    return [];
  }
}

/** A namespace's lease: which run opened it, and which project's registry keeps it. */
interface NamespaceLease extends NamespaceRecord {
  /** The namespaces.json of the project that opened it. */
  registry: string;
}

/** How old a namespace nobody leased must be, by its resources' creation times, before it counts as abandoned. */
export const UNLEASED_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Machine-wide leases on namespaces, one small file each, so that a project never takes another's
 * run for an orphan: LocalStack (a Docker container, or one port) may be shared by several projects
 * and by verify, each with a registry of its own. In the machine's temporary folder, which lives no
 * longer than the LocalStack state it describes.
 */
export class NamespaceLeases {
  constructor(readonly dir = path.join(os.tmpdir(), `north-pole-orders-${process.getuid?.() ?? 'user'}`, 'namespaces')) {}

  async write(lease: NamespaceLease): Promise<void> {
    try {
      await fs.mkdir(this.dir, { recursive: true });
      await fs.writeFile(this.fileOf(lease.namespace), JSON.stringify(lease));
    } catch {
      // Without a lease the namespace is merely kept longer by other projects: never removed early.
    }
  }

  async remove(namespaces: string[]): Promise<void> {
    await Promise.all(namespaces.map((namespace) => fs.rm(this.fileOf(namespace), { force: true }).catch(() => undefined)));
  }

  /**
   * Whether a namespace no registry of this project knows is provably abandoned: its lease names a
   * registry that no longer keeps it and a run that has ended; or, with no lease, every resource of
   * it is dated and older than a day. Anything else may be someone's live or kept run.
   */
  async abandoned(namespace: string, createdAt: (Date | undefined)[]): Promise<boolean> {
    const lease = await this.read(namespace);
    if (!lease) return createdAt.length > 0 && createdAt.every((date) => date !== undefined && Date.now() - date.getTime() > UNLEASED_AGE_MS);
    if (isRunning(lease.pid)) return false;
    return !(await readRecords(lease.registry)).some((record) => record.namespace === namespace);
  }

  private async read(namespace: string): Promise<NamespaceLease | undefined> {
    try {
      const lease = JSON.parse(await fs.readFile(this.fileOf(namespace), 'utf8')) as NamespaceLease;
      return typeof lease.registry === 'string' && typeof lease.pid === 'number' ? lease : undefined;
    } catch {
      return undefined;
    }
  }

  private fileOf(namespace: string): string {
    return path.join(this.dir, `${namespace}.json`);
  }
}

function isRunning(pid: number): boolean {
  return pid === process.pid || isAlive(pid);
}
