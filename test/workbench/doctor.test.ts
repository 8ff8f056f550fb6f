import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACK_SERVICES } from '../../kit/localstack/settings.ts';
import { TempProject } from './tempProject.ts';

describe('npm run doctor', () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await TempProject.create();
  });
  afterAll(() => project.remove());

  it('with LocalStack answering: every check in plain lines, version and services, exit 0', async () => {
    const ran = await project.run(['doctor'], { CI: 'true' });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(new RegExp(`✓ Node\\.js\\s+v${process.versions.node.replaceAll('.', '\\.')}`));
    for (const name of ['Docker engine', 'Python', 'Java', 'Free disk']) expect(ran.stdout).toContain(name);
    expect(ran.stdout).toMatch(/✓ LocalStack mode\s+endpoint: NORTHPOLE_ENDPOINT is set/);
    expect(ran.stdout).toContain(`✓ LocalStack          answers at ${process.env.NORTHPOLE_ENDPOINT}`);
    expect(ran.stdout).toMatch(/✓ LocalStack version\s+4\.13\.1/);
    for (const service of TRACK_SERVICES) expect(ran.stdout).toContain(`${service} running`);
    expect(ran.stdout).toContain('Everything the kit needs is in place');
    expect(ran.stdout).not.toMatch(/\u001b\[/);
  });

  it('with nothing at the endpoint: marks the problem, gives its fix, exits 2', async () => {
    const ran = await project.run(['doctor'], { NORTHPOLE_ENDPOINT: 'http://127.0.0.1:9' });
    expect(ran.code).toBe(2);
    expect(ran.stdout).toMatch(/✗ LocalStack\s+nothing answers at http:\/\/127\.0\.0\.1:9 \(NORTHPOLE_ENDPOINT\)/);
    expect(ran.stdout).toContain('Fix: Start that LocalStack');
    expect(ran.stdout).toContain('1 required check fails');
    expect(ran.stdout).not.toContain('LocalStack version');
  });

  it('with a broken setting: reports it as a failed check, not a crash', async () => {
    const ran = await project.run(['doctor'], { NORTHPOLE_LOCALSTACK: 'kubernetes' });
    expect(ran.code).toBe(2);
    expect(ran.stdout).toMatch(/✗ Settings\s+NORTHPOLE_LOCALSTACK must be auto, docker, host or endpoint/);
  });
});
