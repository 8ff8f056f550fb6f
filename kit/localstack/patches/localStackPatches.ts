import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../../environmentError.ts';

const run = promisify(execFile);

/** The kit's compatibility patches for LocalStack 4.13.1: one JSON file each, applied by apply.py. */
export const PATCHES_DIR = path.dirname(new URL(import.meta.url).pathname);

/** Where the Docker mode and docker/compose.yml put them in the container, and the boot script that applies them. */
export const CONTAINER_PATCHES_DIR = '/etc/localstack/northpole-patches';
export const CONTAINER_BOOT_SCRIPT = '/etc/localstack/init/boot.d/northpole-patches.py';
/** What the boot script writes: `{"applied": [...]}` or `{"error": "..."}`. */
export const CONTAINER_STATUS_FILE = '/tmp/northpole-patches.json';

export interface LocalStackPatch {
  file: string;
  why: string;
  sha256Before: string;
  sha256After: string;
}

export function patchFiles(): string[] {
  return readdirSync(PATCHES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function readPatch(name: string): LocalStackPatch {
  return JSON.parse(readFileSync(path.join(PATCHES_DIR, name), 'utf8')) as LocalStackPatch;
}

/** Changes with any patch or the script, so a container made with other patches is not reused. */
export function patchSetDigest(): string {
  const hash = createHash('sha256');
  for (const name of ['apply.py', 'boot.d/northpole-patches.py', ...patchFiles()]) hash.update(name).update(readFileSync(path.join(PATCHES_DIR, name)));
  return hash.digest('hex').slice(0, 16);
}

/** The no-Docker mode: apply.py with the virtualenv's Python, at install. */
export async function applyLocalStackPatches(python: string): Promise<string[]> {
  try {
    const { stdout } = await run(python, [path.join(PATCHES_DIR, 'apply.py')], { timeout: 60_000 });
    return stdout.trim().split('\n');
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    throw new EnvironmentError(
      'The kit could not patch LocalStack',
      failure.stderr?.trim() || failure.message,
      'The installed LocalStack is not the 4.13.1 the patches are for: remove .localstack/ and run again to reinstall it.',
    );
  }
}

/**
 * Doctor's look at an installed LocalStack, writing nothing: every patch applied (undefined), some
 * not applied yet (the next start applies them), or a file a patch would refuse (the next start fails).
 */
export async function checkLocalStackPatches(python: string): Promise<{ pending: string[] } | { refused: string } | undefined> {
  try {
    const { stdout } = await run(python, [path.join(PATCHES_DIR, 'apply.py'), '--check'], { timeout: 60_000 });
    const { pending } = JSON.parse(stdout) as { pending: string[] };
    return pending.length > 0 ? { pending } : undefined;
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    return { refused: (failure.stderr?.trim() || failure.message).replace(/^northpole patches: REFUSED: /, '') };
  }
}

/** The Docker mode: what the boot script left in the container, as an error message or undefined when all applied. */
export function patchStatusProblem(status: string): string | undefined {
  try {
    const outcome = JSON.parse(status) as { applied?: string[]; error?: string };
    if (outcome.error) return outcome.error;
    return outcome.applied?.length === patchFiles().length ? undefined : `applied ${outcome.applied?.length ?? 0} of ${patchFiles().length} patches`;
  } catch {
    return `the boot script left no status (${status.trim() || 'empty'}): it did not run`;
  }
}
