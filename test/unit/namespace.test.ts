import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNamespace, NamespaceRegistry, newNamespace } from '../../kit/grading/namespace.ts';
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
