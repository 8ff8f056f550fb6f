import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNamespace, NamespaceLeases, NamespaceRegistry, newNamespace, UNLEASED_AGE_MS } from '../../kit/grading/namespace.ts';
import { namespacedName } from '../../kit/northPole.ts';

describe('namespaces', () => {
  it('are short, lower-case and prefix every name', () => {
    const namespace = newNamespace();
    expect(namespace).toMatch(/^np[0-9a-z]{5}$/);
    expect(isNamespace(namespace)).toBe(true);
    expect(namespacedName(namespace, 'elf-log')).toBe(`${namespace}-elf-log`);
  });

  it('do not repeat across many runs', () => {
    const seen = new Set(Array.from({ length: 2000 }, newNamespace));
    expect(seen.size).toBeGreaterThan(1990);
  });

  it('of finished runs are stale, those of live runs and the current one are kept', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'np-ns-'));
    await fs.writeFile(
      path.join(dir, 'namespaces.json'),
      JSON.stringify([
        { namespace: 'npdead1', exercise: 1, pid: 2 ** 22 + 17, startedAt: '2026-11-01T00:00:00Z' },
        { namespace: 'nplive1', exercise: 1, pid: process.ppid, startedAt: '2026-11-01T00:00:00Z' },
      ]),
    );
    const registry = new NamespaceRegistry(dir);
    const current = await registry.open(2);
    expect(await registry.stale(current)).toEqual(['npdead1']);
    await registry.forget(['npdead1']);
    expect(await registry.all()).toEqual(['nplive1', current]);
  });

  it('survive a corrupt record file by starting a new one', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'np-ns-'));
    await fs.writeFile(path.join(dir, 'namespaces.json'), '{ not json');
    const registry = new NamespaceRegistry(dir);
    const current = await registry.open(1);
    expect(await registry.all()).toEqual([current]);
  });
});

describe('leases on namespaces, across projects', () => {
  const DEAD_PID = 2 ** 22 + 17;
  async function setUp() {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'np-leases-'));
    const leases = new NamespaceLeases(path.join(root, 'leases'));
    const project = (name: string) => new NamespaceRegistry(path.join(root, name), leases);
    return { root, leases, project };
  }

  it("keep another project's namespaces, live or kept, and give up those of a project whose records are gone", async () => {
    const { root, leases, project } = await setUp();
    const elsewhere = project('elsewhere');
    const kept = await elsewhere.open(1);
    // Its run has ended (a dead pid), but its registry still keeps it: the last run, there to look at.
    const registryFile = path.join(root, 'elsewhere', 'namespaces.json');
    const records = JSON.parse(await fs.readFile(registryFile, 'utf8')) as { pid: number }[];
    await fs.writeFile(registryFile, JSON.stringify(records.map((record) => ({ ...record, pid: DEAD_PID }))));
    await fs.writeFile(
      path.join(leases.dir, `${kept}.json`),
      JSON.stringify({ namespace: kept, exercise: 1, pid: DEAD_PID, startedAt: '', registry: registryFile }),
    );
    expect(await leases.abandoned(kept, [])).toBe(false);

    const live = await project('busy').open(4);
    await fs.rm(path.join(root, 'busy'), { recursive: true });
    // Its records are gone, but the run that opened it (this process) is alive.
    expect(await leases.abandoned(live, [])).toBe(false);

    await fs.rm(path.join(root, 'elsewhere'), { recursive: true });
    expect(await leases.abandoned(kept, [])).toBe(true);
  });

  it('give up a namespace nobody leased only when every resource of it is dated and a day old', async () => {
    const { leases } = await setUp();
    const old = new Date(Date.now() - UNLEASED_AGE_MS - 60_000);
    expect(await leases.abandoned('npnolea', [old, old])).toBe(true);
    expect(await leases.abandoned('npnolea', [old, new Date()])).toBe(false);
    expect(await leases.abandoned('npnolea', [old, undefined])).toBe(false);
    expect(await leases.abandoned('npnolea', [])).toBe(false);
  });

  it('are removed with the namespace they cover', async () => {
    const { leases, project } = await setUp();
    const registry = project('here');
    const namespace = await registry.open(1);
    await expect(fs.stat(path.join(leases.dir, `${namespace}.json`))).resolves.toBeTruthy();
    await registry.forget([namespace]);
    await expect(fs.stat(path.join(leases.dir, `${namespace}.json`))).rejects.toThrow();
  });
});
