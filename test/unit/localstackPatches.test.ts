import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { patchCopies } from '../../kit/localstack/docker/dockerLocalStack.ts';
import { CONTAINER_BOOT_SCRIPT, PATCHES_DIR, patchFiles, patchStatusProblem, readPatch } from '../../kit/localstack/patches/localStackPatches.ts';

const run = promisify(execFile);

describe("the kit's LocalStack patches", () => {
  it('each says why it exists and pins the file it changes, before and after', () => {
    expect(patchFiles()).toEqual([
      '01-packages-api-annotations.json',
      '02-events-archive-replay-time.json',
      '03-stepfunctions-jsonpath-cache.json',
      '04-stepfunctions-resultpath-cache.json',
      '05-jsonpath-rw-cache.json',
      '06-twisted-listen-interface.json',
      '07-stepfunctions-definition-parse-cache.json',
      '08-stepfunctions-task-client-reuse.json',
      '09-stepfunctions-heap-key-once.json',
    ]);
    for (const name of patchFiles()) {
      const patch = readPatch(name) as ReturnType<typeof readPatch> & { localstack: string; replacements: unknown[] };
      expect(patch.localstack).toBe('4.13.1');
      expect(patch.file).toMatch(/^localstack\/.+\.py$/);
      expect(patch.why.length).toBeGreaterThan(80);
      expect(patch.sha256Before).toMatch(/^[0-9a-f]{64}$/);
      expect(patch.sha256After).toMatch(/^[0-9a-f]{64}$/);
      expect(patch.replacements.length).toBeGreaterThan(0);
    }
  });

  it('refuses, loudly and without writing, a file that is not the 4.13.1 one', async () => {
    const sitePackages = await mkdtemp(path.join(os.tmpdir(), 'northpole-patches-'));
    try {
      const file = path.join(sitePackages, 'localstack', 'packages', 'api.py');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, 'import abc\nimport functools\n# another release\n');
      const refused = await run('python3', [path.join(PATCHES_DIR, 'apply.py'), '--site-packages', sitePackages]).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused?.code).toBe(1);
      expect(refused?.stderr).toMatch(
        /REFUSED: 01-packages-api-annotations\.json: localstack\/packages\/api\.py has sha256 [0-9a-f]{64}, not the one of LocalStack 4\.13\.1/,
      );
      expect(await readFile(file, 'utf8')).toBe('import abc\nimport functools\n# another release\n');
    } finally {
      await rm(sitePackages, { recursive: true, force: true });
    }
  });

  it("are copied into the Docker mode's container with the boot script that applies them", () => {
    const targets = patchCopies().map((copy) => copy.target);
    expect(targets).toContain(CONTAINER_BOOT_SCRIPT);
    expect(targets).toContain('/etc/localstack/northpole-patches/apply.py');
    for (const name of patchFiles()) expect(targets).toContain(`/etc/localstack/northpole-patches/${name}`);
  });

  it("reads the boot script's status from the container: all applied, refused, or never run", () => {
    expect(patchStatusProblem(JSON.stringify({ applied: patchFiles() }))).toBeUndefined();
    expect(patchStatusProblem(JSON.stringify({ error: 'api.py has sha256 abc' }))).toBe('api.py has sha256 abc');
    expect(patchStatusProblem('cat: /tmp/northpole-patches.json: No such file or directory')).toMatch(/did not run/);
  });
});
