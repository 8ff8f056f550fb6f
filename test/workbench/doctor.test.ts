import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { findNamespacedResources } from '../../kit/grading/sweep.ts';
import { hostLayout, LAYOUT_VERSION } from '../../kit/localstack/host/install.ts';
import { patchFiles, patchSetDigest, readPatch } from '../../kit/localstack/patches/localStackPatches.ts';
import { LOCALSTACK_VERSION, readSettings, TRACK_SERVICES } from '../../kit/localstack/settings.ts';
import { loadTrack } from '../../kit/track.ts';
import { TempProject } from './tempProject.ts';

/** Every namespace with resources in the tests' LocalStack. */
async function namespacesThere(): Promise<Set<string>> {
  const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);
  try {
    return new Set((await findNamespacedResources(aws, () => true)).resources.map((resource) => resource.namespace));
  } finally {
    destroyClients(aws);
  }
}

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

  it("--track: on the kit's own LocalStack every feature of the track works, and its scratch namespace is removed", async () => {
    const before = await namespacesThere();
    const ran = await project.run(['doctor', '--track'], {}, 60_000);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    const rows = ran.stdout.split('\n').filter((line) => /^\s+[✓✗!] (works|missing|differs)/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(rows.filter((line) => !line.includes('✓ works'))).toEqual([]);
    for (const feature of [
      'TestEventPattern',
      'InputPath',
      'PutEvents with VTL',
      'TestInvokeMethod',
      'TestState',
      'StartMessageMoveTask',
      'waitForTaskToken',
      'archive and replay',
      'conditional put',
      'filter policies',
      'Object Created',
      'headObject and getObject',
      'API destination',
      'CreateStack',
    ]) {
      expect(ran.stdout).toContain(feature);
    }
    expect(ran.stdout).toContain(
      `Can be graded here: ${loadTrack()
        .exercises.map((exercise) => exercise.number)
        .join(', ')} (the whole track).`,
    );
    const left = [...(await namespacesThere())].filter((namespace) => !before.has(namespace));
    expect(left).toEqual([]);
  });

  it("says so when the installed LocalStack refuses the kit's patches, which would fail every grade", async () => {
    // An install whose files are not the 4.13.1 ones the patches are for; its Python finds them through PYTHONPATH.
    const home = project.path('other-localstack');
    const layout = hostLayout(readSettings({ NORTHPOLE_LOCALSTACK_HOME: home }));
    const site = path.join(home, 'site-packages');
    for (const file of ['localstack/constants.py', 'localstack/runtime/main.py', ...patchFiles().map((name) => readPatch(name).file)]) {
      await mkdir(path.dirname(path.join(site, file)), { recursive: true });
      await writeFile(path.join(site, file), '# not the file of LocalStack 4.13.1\n');
    }
    await mkdir(path.dirname(layout.python), { recursive: true });
    await writeFile(layout.python, `#!/bin/sh\nPYTHONPATH='${site}' exec python3 "$@"\n`);
    await chmod(layout.python, 0o755);
    for (const needed of [path.join(layout.varLibs, 'dynamodb-local', '2', 'DynamoDBLocal.jar'), path.join(layout.varLibs, 'java', '21', 'bin', 'java')]) {
      await mkdir(path.dirname(needed), { recursive: true });
      await writeFile(needed, '');
    }
    await writeFile(
      layout.marker,
      JSON.stringify({ version: LOCALSTACK_VERSION, layout: LAYOUT_VERSION, patches: patchSetDigest(), python: '3.11', javaHome: '/usr/lib/jvm/java' }),
    );

    const ran = await project.run(['doctor'], { NORTHPOLE_ENDPOINT: '', NORTHPOLE_LOCALSTACK: 'host', NORTHPOLE_LOCALSTACK_HOME: home, NORTHPOLE_PORT: '9' });
    expect(ran.code).toBe(2);
    expect(ran.stdout).toMatch(/✓ LocalStack mode\s+host: .*; installed in other-localstack/);
    expect(ran.stdout).toMatch(
      /✗ LocalStack patches\s+the installed LocalStack refuses the kit's patches: 01-packages-api-annotations\.json: localstack\/packages\/api\.py has sha256 \w+, not the one of LocalStack 4\.13\.1/,
    );
    expect(ran.stdout).toContain('remove other-localstack, and run again');
  });

  it('with a broken setting: reports it as a failed check, not a crash', async () => {
    const ran = await project.run(['doctor'], { NORTHPOLE_LOCALSTACK: 'kubernetes' });
    expect(ran.code).toBe(2);
    expect(ran.stdout).toMatch(/✗ Settings\s+NORTHPOLE_LOCALSTACK must be auto, docker, host or endpoint/);
  });
});
