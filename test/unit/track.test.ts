import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exercisePaths, loadTrack } from '../../kit/track.ts';

const track = loadTrack();

describe('exercises/track.json', () => {
  it('numbers exercises 1..N with unique slugs', () => {
    expect(track.exercises.map((exercise) => exercise.number)).toEqual(track.exercises.map((_, index) => index + 1));
    expect(new Set(track.exercises.map((exercise) => exercise.slug)).size).toBe(track.exercises.length);
  });

  it('builds only on earlier exercises', () => {
    for (const exercise of track.exercises) expect(exercise.buildsOn.every((earlier) => earlier < exercise.number)).toBe(true);
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
