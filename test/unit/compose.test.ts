import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTAINER_BOOT_SCRIPT, CONTAINER_PATCHES_DIR } from '../../kit/localstack/patches/localStackPatches.ts';
import { LOCALSTACK_IMAGE, TRACK_SERVICES } from '../../kit/localstack/settings.ts';

// The Docker group (vitest.docker.config.ts) runs this file for real; these checks hold without an engine.
const compose = readFileSync(path.resolve(import.meta.dirname, '../../docker/compose.yml'), 'utf8');

describe('docker/compose.yml', () => {
  it('runs the pinned image unless NORTHPOLE_LOCALSTACK_IMAGE names another, never latest', () => {
    expect(compose).toContain(`image: \${NORTHPOLE_LOCALSTACK_IMAGE:-${LOCALSTACK_IMAGE}}\n`);
    expect(compose).not.toMatch(/:latest/);
  });

  it('publishes on loopback only', () => {
    const ports = [...compose.matchAll(/- "([^"]+)"/g)].map((match) => match[1]);
    expect(ports).toEqual(['127.0.0.1:${NORTHPOLE_PORT:-4566}:4566']);
  });

  it('starts the same services as the other modes, eagerly', () => {
    expect(/SERVICES: (.+)/.exec(compose)?.[1]?.split(',')).toEqual([...TRACK_SERVICES]);
    expect(compose).toMatch(/EAGER_SERVICE_LOADING: "1"/);
  });

  it("mounts the kit's patches and the boot script that applies them where the Docker mode copies them", () => {
    expect(compose).toContain(`- ../kit/localstack/patches:${CONTAINER_PATCHES_DIR}:ro`);
    expect(compose).toContain(`- ../kit/localstack/patches/boot.d/northpole-patches.py:${CONTAINER_BOOT_SCRIPT}:ro`);
  });
});
