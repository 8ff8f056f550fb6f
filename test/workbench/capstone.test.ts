import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExercise, loadTrack } from '../../kit/track.ts';
import { TempProject } from './tempProject.ts';

const track = loadTrack();
// The step whose batch runs the whole system: Christmas Eve.
const last = track.exercises.find((exercise) => exercise.slug === 'christmas-eve')!;
const lastFile = `exercises/08-${last.slug}/${last.file}`;

describe("the capstone's batch runs the learner's own steps only once they pass", () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await TempProject.create();
    await project.write(lastFile, await project.read('solutions', `08-${last.slug}`, last.file));
  });
  afterAll(() => project.remove());

  it('names the first earlier step that has not passed, not a later one that passes', async () => {
    // Started at exercise 3, as the README allows: 3, 5 and 7 pass, 1 and 2 were never graded.
    const passedAt = new Date().toISOString();
    const done = (number: number) => [
      number,
      {
        slug: track.exercises[number - 1]!.slug,
        status: 'done',
        firstGradedAt: passedAt,
        lastGradedAt: passedAt,
        passedAt,
        timeSpentMs: 0,
        runs: 1,
        hints: {},
      },
    ];
    const progress = { version: 1, updatedAt: passedAt, exercises: Object.fromEntries([3, 4, 5, 6, 7].map(done)) };
    await fs.mkdir(project.stateDir, { recursive: true });
    await project.write('.northpole/progress.json', JSON.stringify(progress));

    const ran = await project.run(['exercise', '8'], {}, 300_000);
    expect(ran.code).toBe(1);
    const failure = ran.stdout.slice(ran.stdout.indexOf('✗ Task'));
    expect(failure).toMatch(/^✗ Task 5:/);
    expect(failure).toContain('Found:    exercise 1 (The orders bus) has not passed yet, nor has exercise 2');
    expect(failure).toContain('npm run exercise 1');
    expect(failure).not.toMatch(/exercise 3|Expected 400|HTTP 200/);
    const results = JSON.parse(await project.read('.northpole', 'results', `08-${last.slug}.json`));
    expect(results.status).toBe('fail');
    expect(results.tests.filter((test: { status: string }) => test.status === 'pass').map((test: { task_id: number }) => test.task_id)).toEqual([1, 2, 3, 4]);
  });
});
