import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './tempProject.ts';

const STARTER = 'exercises/01-orders-bus/ordersBus.ts';

describe('npm run reset', () => {
  let project: TempProject;
  let starter: string;

  beforeAll(async () => {
    project = await TempProject.create({ git: true });
    starter = await project.read(STARTER);
  });
  afterAll(() => project.remove());

  it("restores the starter and keeps the learner's version as a backup", async () => {
    const mine = `${starter}\n// my half-finished rule\n`;
    await project.write(STARTER, mine);

    const ran = await project.run(['reset', '1']);
    expect(ran.code).toBe(0);
    expect(await project.read(STARTER)).toBe(starter);
    const backups = await fs.readdir(path.join(project.stateDir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^01-orders-bus-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.ts$/);
    expect(await project.read('.northpole', 'backups', backups[0]!)).toBe(mine);
    expect(ran.stdout).toContain(`Your version is saved as ${path.join('.northpole', 'backups', backups[0]!)}`);
  });

  it('leaves an untouched starter alone and makes no backup', async () => {
    const ran = await project.run(['reset', '1']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('is already the starter of exercise 1; nothing to reset.');
    expect(await fs.readdir(path.join(project.stateDir, 'backups'))).toHaveLength(1);
  });

  it('brings back a deleted exercise file', async () => {
    await fs.rm(project.path(STARTER));
    const ran = await project.run(['reset', '1']);
    expect(ran.code).toBe(0);
    expect(await project.read(STARTER)).toBe(starter);
  });

  it('never overwrites an earlier backup made in the same second', async () => {
    await project.write(STARTER, 'first');
    await project.run(['reset', '1']);
    await project.write(STARTER, 'second');
    await project.run(['reset', '1']);
    const contents = await Promise.all((await fs.readdir(path.join(project.stateDir, 'backups'))).map((name) => project.read('.northpole', 'backups', name)));
    expect(contents).toEqual(expect.arrayContaining(['first', 'second']));
  });

  it("works outside a git clone too: the starter is the kit's own copy in starters/", async () => {
    const copy = await TempProject.create();
    try {
      await copy.write(STARTER, 'my work');
      // Git must not find a repository above the temporary folder either.
      const ran = await copy.run(['reset', '1'], { GIT_CEILING_DIRECTORIES: path.dirname(copy.root) });
      expect(ran.code).toBe(0);
      expect(await copy.read(STARTER)).toBe(await copy.read('starters', '01-orders-bus', 'ordersBus.ts'));
    } finally {
      await copy.remove();
    }
  });
});
