import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exerciseFiles, loadTrack } from '../../kit/track.ts';
import { TempProject } from './tempProject.ts';

const track = loadTrack();
const relative = (project: TempProject, file: string) => path.relative(project.root, file);

/** A learner's clone in which every exercise is solved and committed: HEAD is theirs, not the kit's. */
describe("a learner's working copy with solved exercises and a commit of their own", () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await TempProject.create({ git: true, tests: true });
    for (const exercise of track.exercises) {
      for (const file of exerciseFiles(exercise, project.root))
        await project.write(relative(project, file.working), await project.read(relative(project, file.solution)));
    }
    execFileSync('git', ['-c', 'user.name=Learner', '-c', 'user.email=learner@example.com', 'commit', '--quiet', '--no-gpg-sign', '-am', 'My solutions'], {
      cwd: project.root,
    });
  });
  afterAll(() => project.remove());

  // The track's own check (every reference solution passes, every starter fails at Task 1) runs here
  // once, in the place where it is hardest to get right: a copy whose exercise files are solved.
  it('`npm run verify`: every solution passes, every starter as the kit shipped it fails at Task 1, said as verdicts', async () => {
    const ran = await project.run(['verify'], {}, 840_000);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    for (const exercise of track.exercises) {
      expect(ran.stdout).toContain(`solution of exercise ${exercise.number} passes, as it should`);
      expect(ran.stdout).toContain(`starter of exercise ${exercise.number} fails at Task 1, as it should`);
    }
    expect(ran.stdout).toContain(`All ${track.exercises.length * 2} checks as expected.`);
  }, 900_000);

  it("the README's test command passes there: the track's checks of each starter", async () => {
    const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
    // The copy's vitest is a run of its own, not a worker of this one.
    for (const name of Object.keys(process.env)) if (name.startsWith('VITEST') || name === 'NODE_OPTIONS') env[name] = undefined;
    const vitest = path.join(project.root, 'node_modules', 'vitest', 'vitest.mjs');
    // The tests that read the exercise files: the track's checks of each starter here; `npm run verify`,
    // the other, ran in this copy above.
    const ran = await project.exec(process.execPath, [vitest, 'run', 'test/unit/track.test.ts', '-t', 'starter', '--reporter', 'verbose'], env, 120_000);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/Tests\s+\d+ passed/);
    expect(ran.stdout).toContain('marks every task in the starter with a TODO');
  }, 180_000);

  it("reset restores the kit's starter, not the learner's HEAD; progress then says so and grades it next", async () => {
    expect((await project.run(['exercise', '1'])).code).toBe(0);
    const ran = await project.run(['reset', '1']);
    expect(ran.code).toBe(0);
    for (const file of exerciseFiles(track.exercises[0]!, project.root)) {
      expect(await project.read(relative(project, file.working))).toBe(await project.read(relative(project, file.starter)));
    }

    const progress = await project.run(['progress']);
    expect(progress.stdout).toMatch(/1 The orders bus\s+reset \(passed before\)/);
    expect(progress.stdout).toContain('Next: npm run exercise 1 · The orders bus');
    const next = await project.run(['exercise']);
    expect(next.code).toBe(1);
    expect(next.stdout).toContain('Exercise 1 of');
    expect(next.stdout).toContain('✗ Task 1: Create the orders bus');
  });
});
