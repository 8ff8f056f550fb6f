import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exerciseDir, exercisePaths, loadTrack } from '../../kit/track.ts';
import type { WrongAnswer } from '../wrong-answers/wrongAnswer.ts';

// No task passes on what the starter ships: for every task, the reference solution with that task's
// part put back as the starter has it is a wrong answer that must fail at that task
// (test/integration/wrongAnswers.test.ts grades each for real). Here, without LocalStack: every task
// has exactly one, and what each puts back is the starter's own text.

const track = loadTrack();

describe('starter parts', () => {
  for (const exercise of track.exercises) {
    it(`exercise ${exercise.number}: each task has exactly one, and each puts back the starter's own text in place of the solution's`, async () => {
      const { wrongAnswers } = (await import(`../wrong-answers/${exerciseDir(exercise)}.ts`)) as { wrongAnswers: WrongAnswer[] };
      const starterParts = wrongAnswers.filter((answer) => answer.starterPart);
      for (const task of exercise.tasks) {
        const names = starterParts.filter((answer) => answer.failsAt === task.id).map((answer) => answer.name);
        expect(names, `exercise ${exercise.number}, Task ${task.id}: starter parts`).toHaveLength(1);
      }
      expect(
        starterParts.filter((answer) => !exercise.tasks.some((task) => task.id === answer.failsAt)).map((answer) => answer.name),
        'starter parts of no task',
      ).toEqual([]);

      const { solution, starter } = exercisePaths(exercise);
      const read = (main: string, file: string | undefined) => readFileSync(file ? path.join(path.dirname(main), file) : main, 'utf8');
      for (const answer of starterParts) {
        // Exercise 8's last task has no part in its own file: its part is the earlier exercises, deployed as their starters.
        const elsewhere = answer.earlierSteps === 'starters';
        expect(elsewhere || answer.edits.some((edit) => edit.replace.trim() !== ''), `${answer.name} puts nothing of the starter back`).toBe(true);
        for (const edit of answer.edits) {
          const where = edit.file ?? exercise.file;
          expect(read(solution, edit.file).split(edit.find).length - 1, `${answer.name}: what it replaces occurs once in the solution's ${where}`).toBe(1);
          expect(read(starter, edit.file).includes(edit.replace), `${answer.name}: its replacement is text of the starter's ${where}:\n${edit.replace}`).toBe(
            true,
          );
          expect(edit.find, `${answer.name}: an edit that changes nothing`).not.toBe(edit.replace);
        }
      }
    });
  }
});
