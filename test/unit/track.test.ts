import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exercisePaths, finalSteps, loadTrack, type Exercise, type Track } from '../../kit/track.ts';

const track = loadTrack();

describe('exercises/track.json', () => {
  it('numbers exercises 1..N with unique slugs', () => {
    expect(track.exercises.map((exercise) => exercise.number)).toEqual(track.exercises.map((_, index) => index + 1));
    expect(new Set(track.exercises.map((exercise) => exercise.slug)).size).toBe(track.exercises.length);
  });

  it('builds only on earlier exercises', () => {
    for (const exercise of track.exercises) expect(exercise.buildsOn.every((earlier) => earlier < exercise.number)).toBe(true);
  });

  it('replaces only earlier exercises, each replaced by one step at most', () => {
    const replaced = track.exercises.flatMap((exercise) => exercise.replaces ?? []);
    for (const exercise of track.exercises) expect((exercise.replaces ?? []).every((earlier) => earlier < exercise.number)).toBe(true);
    expect(new Set(replaced).size).toBe(replaced.length);
  });

  it('deploys the whole system as the final version of each step, after what it builds on', () => {
    const step = (number: number, buildsOn: number[], replaces?: number[]) => ({ number, buildsOn, replaces }) as Exercise;
    // 5 builds on 4, which 6 replaces and 7 replaces again: 7 stands in for both, before 5.
    const sample = { exercises: [step(1, []), step(2, [1]), step(4, [1]), step(5, [4]), step(6, [1], [4]), step(7, [1], [4, 6]), step(8, [1, 6])] } as Track;
    expect(finalSteps(8, sample).map((exercise) => exercise.number)).toEqual([1, 2, 7, 5]);
    expect(finalSteps(6, sample).map((exercise) => exercise.number)).toEqual([1, 2, 4, 5]);
    const last = track.exercises.at(-1)!;
    const replaced = new Set(track.exercises.flatMap((exercise) => exercise.replaces ?? []));
    expect(
      finalSteps(last.number)
        .map((exercise) => exercise.number)
        .sort((a, b) => a - b),
    ).toEqual(track.exercises.filter((exercise) => exercise.number < last.number && !replaced.has(exercise.number)).map((exercise) => exercise.number));
  });

  for (const exercise of track.exercises) {
    describe(`exercise ${exercise.number} (${exercise.slug})`, () => {
      const paths = exercisePaths(exercise);

      it('numbers its tasks 1..N and gives each at least two progressive hints', () => {
        expect(exercise.tasks.map((task) => task.id)).toEqual(exercise.tasks.map((_, index) => index + 1));
        for (const task of exercise.tasks) expect(task.hints.length).toBeGreaterThanOrEqual(2);
      });

      it('has a starter, a reference solution, instructions and a grader', () => {
        for (const file of Object.values(paths)) expect([file, existsSync(file)]).toEqual([file, true]);
      });

      it('has one "## Task N: title" section per task in its instructions, in order', () => {
        const headings = [...readFileSync(paths.instructions, 'utf8').matchAll(/^## Task (\d+): (.+)$/gm)].map((match) => `${match[1]}: ${match[2]}`);
        expect(headings).toEqual(exercise.tasks.map((task) => `${task.id}: ${task.title}`));
      });

      it('marks every task in the starter with a TODO the report can point at', () => {
        const starter = readFileSync(paths.starter, 'utf8');
        for (const task of exercise.tasks) expect(starter).toContain(`TODO (Task ${task.id})`);
        expect(readFileSync(paths.solution, 'utf8')).not.toContain('TODO');
      });
    });
  }
});
