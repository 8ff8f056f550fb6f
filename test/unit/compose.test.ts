import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALSTACK_IMAGE, TRACK_SERVICES } from '../../kit/localstack/settings.ts';

// No Docker engine runs where the tests run, so the compose file is checked as text.
const compose = readFileSync(path.resolve(import.meta.dirname, '../../docker/compose.yml'), 'utf8');

describe('docker/compose.yml', () => {
  it('runs the pinned image, never latest', () => {
    expect(compose).toMatch(new RegExp(`image: ${LOCALSTACK_IMAGE.replaceAll('.', '\\.')}\\n`));
    expect(compose).not.toMatch(/:latest/);
  });

  it('publishes on loopback only', () => {
    const ports = [...compose.matchAll(/- "([^"]+)"/g)].map((match) => match[1]);
    expect(ports).toEqual(['127.0.0.1:4566:4566']);
  });

  it('starts the same services as the other modes, eagerly', () => {
    expect(/SERVICES: (.+)/.exec(compose)?.[1]?.split(',')).toEqual([...TRACK_SERVICES]);
    expect(compose).toMatch(/EAGER_SERVICE_LOADING: "1"/);
  });
});
