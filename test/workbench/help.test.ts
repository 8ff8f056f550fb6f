import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './tempProject.ts';

describe('--help', () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await TempProject.create();
  });
  afterAll(() => project.remove());

  it.each([
    ['exercise', '--solution'],
    ['watch', '--poll'],
    ['hint', '--all'],
    ['reset', '<N>'],
    ['solution', '--yes'],
    ['progress', '--json'],
    ['doctor', 'paste the output'],
  ])('npm run %s -- --help describes the command and exits 0', async (command, mention) => {
    const ran = await project.run([command, '--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`Usage: npm run ${command}`);
    expect(ran.stdout).toContain(mention);
  });

  it('a wrong command line exits 3', async () => {
    const ran = await project.run(['hint', 'one']);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('an exercise number such as 1 or 2');
  });
});
