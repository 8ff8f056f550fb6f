import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TempProject } from './tempProject.ts';

const STARTER = 'exercises/01-orders-bus/ordersBus.ts';

describe('npm run solution', () => {
  let project: TempProject;
  let solution: string;

  beforeAll(async () => {
    project = await TempProject.create();
    solution = await project.read('solutions', '01-orders-bus', 'ordersBus.ts');
  });
  afterAll(() => project.remove());

  it('before a pass, without a terminal to ask on: refuses, shows nothing, exits 1', async () => {
    const ran = await project.run(['solution', '1']);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toContain('Exercise 1 does not pass yet, so its reference solution stays hidden.');
    expect(ran.stderr).toContain('npm run solution 1 -- --yes');
  });

  it('before a pass, with --yes: shows it and remembers that it was seen', async () => {
    const ran = await project.run(['solution', '1', '--yes']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(solution.trimEnd());
    const progress = JSON.parse(await project.read('.northpole', 'progress.json'));
    expect(Date.parse(progress.exercises['1'].solutionShownAt)).not.toBeNaN();
    expect(progress.exercises['1'].status).toBe('not-started');
  });

  it('after a pass: shows its path and content without asking', async () => {
    const starter = await project.read(STARTER);
    await project.write(STARTER, solution);
    try {
      expect((await project.run(['exercise', '1'])).code).toBe(0);
    } finally {
      await project.write(STARTER, starter);
    }
    const ran = await project.run(['solution', '1']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`Reference solution of exercise 1 · The orders bus: ${path.join('solutions', '01-orders-bus', 'ordersBus.ts')}`);
    expect(ran.stdout).toContain(solution.trimEnd());
  });
});
