import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isAlive, withFileLock } from '../fileLock.ts';
import { stateWriteProblem } from '../stateDir.ts';

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
}

/**
 * The namespaces this project's runs created, so old ones can be removed. A namespace whose run
 * is still alive (another terminal, a parallel test) is never touched.
 */
export class NamespaceRegistry {
  private readonly file: string;
  /** Updates from one process run one after another, and across processes under a lock file. */
  private updates: Promise<void> = Promise.resolve();

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'namespaces.json');
  }

  async open(exercise: number): Promise<string> {
    const namespace = newNamespace();
    await this.update((records) => [...records, { namespace, exercise, pid: process.pid, startedAt: new Date().toISOString() }]);
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

  async forget(namespaces: string[]): Promise<void> {
    await this.update((records) => records.filter((record) => !namespaces.includes(record.namespace)));
  }

  async all(): Promise<string[]> {
    return (await this.read()).map((record) => record.namespace);
  }

  private async read(): Promise<NamespaceRecord[]> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
      return Array.isArray(parsed) ? parsed.filter((record: NamespaceRecord) => isNamespace(record?.namespace ?? '')) : [];
    } catch {
      return [];
    }
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

function isRunning(pid: number): boolean {
  return pid === process.pid || isAlive(pid);
}
