import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LAYOUT_VERSION, hostLayout, installHostLocalStack } from '../../kit/localstack/host/install.ts';
import { patchSetDigest } from '../../kit/localstack/patches/localStackPatches.ts';
import { LOCALSTACK_VERSION, readSettings } from '../../kit/localstack/settings.ts';

describe('an existing no-Docker install and a kit with new patches', () => {
  let home: string;
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('applies the patches before the next start, once, without reinstalling', async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'northpole-install-'));
    const settings = readSettings({ NORTHPOLE_LOCALSTACK_HOME: home, NORTHPOLE_LOCALSTACK: 'host' });
    const layout = hostLayout(settings);
    // The install's Python stands in: it notes each script it is asked to run, and says what apply.py says.
    const calls = path.join(home, 'python-calls.txt');
    await mkdir(path.dirname(layout.python), { recursive: true });
    await writeFile(layout.python, `#!/bin/sh\necho "$@" >> '${calls}'\necho "northpole patches: applied"\n`);
    await chmod(layout.python, 0o755);
    const installed = {
      version: LOCALSTACK_VERSION,
      layout: LAYOUT_VERSION,
      patches: 'the digest of an older patch set',
      python: '3.11',
      javaHome: '/usr/lib/jvm/java',
    };
    await writeFile(layout.marker, JSON.stringify(installed));

    await installHostLocalStack(settings);
    expect((await readFile(calls, 'utf8')).trim().split('\n')).toEqual([expect.stringMatching(/kit\/localstack\/patches\/apply\.py$/)]);
    expect(JSON.parse(await readFile(layout.marker, 'utf8'))).toEqual({ ...installed, patches: patchSetDigest() });

    await installHostLocalStack(settings);
    expect((await readFile(calls, 'utf8')).trim().split('\n')).toHaveLength(1);
  });
});
