import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { gradeExercise, gradeTarget } from '../../kit/grading/gradeExercise.ts';
import { NamespaceRegistry } from '../../kit/grading/namespace.ts';
import { removeNamespace } from '../../kit/grading/sweep.ts';
import { exerciseDir, exercisePaths, loadTrack, type Exercise } from '../../kit/track.ts';
import type { WrongAnswer } from '../wrong-answers/wrongAnswer.ts';

// test/wrong-answers/<NN-slug>.ts lists plausible mistakes as edits of the reference solution.
// Each is written into a folder of its own under .generated/<NN-slug>/, its file with the exercise's
// assets beside it (edited or not), and graded for real.
const wrongAnswersDir = path.resolve(import.meta.dirname, '..', 'wrong-answers');
const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-wrong-'));
afterAll(async () => {
  const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);
  await Promise.all((await new NamespaceRegistry(stateDir).all()).map((namespace) => removeNamespace(aws, namespace)));
  destroyClients(aws);
  await fs.rm(stateDir, { recursive: true, force: true });
});

function applyEdits(source: string, fileName: string, answer: WrongAnswer, mainFile: string): string {
  return answer.edits
    .filter((edit) => (edit.file ?? mainFile) === fileName)
    .reduce((edited, edit) => {
      const occurrences = edited.split(edit.find).length - 1;
      if (occurrences !== 1) throw new Error(`${answer.name}: "${edit.find.trim()}" occurs ${occurrences} times in the solution's ${fileName}, not once`);
      return edited.replace(edit.find, () => edit.replace);
    }, source);
}

/** Writes the wrong answer's folder: the exercise's file and its assets, each with the answer's edits. */
async function writeWrongAnswer(exercise: Exercise, answer: WrongAnswer, folder: string): Promise<string> {
  const solutionDir = path.dirname(exercisePaths(exercise).solution);
  const unknown = answer.edits.map((edit) => edit.file).filter((file) => file !== undefined && !(exercise.assets ?? []).includes(file));
  if (unknown.length > 0) throw new Error(`${answer.name}: edits ${unknown.join(', ')}, which is not an asset of exercise ${exercise.number}`);
  await fs.mkdir(folder, { recursive: true });
  for (const fileName of exercise.assets ?? []) {
    await fs.writeFile(path.join(folder, fileName), applyEdits(readFileSync(path.join(solutionDir, fileName), 'utf8'), fileName, answer, exercise.file));
  }
  const main = applyEdits(readFileSync(path.join(solutionDir, exercise.file), 'utf8'), exercise.file, answer, exercise.file);
  const file = path.join(folder, exercise.file);
  await fs.writeFile(file, `// ${answer.mistake}\n${main}`);
  return file;
}

// Steps whose checks race real deadlines (retry waits, task-token timeouts, a replay window) grade
// their wrong answers one at a time; the others a few at once (vitest.config.ts maxConcurrency).
const RACES_DEADLINES = new Set(['when-things-go-wrong', 'quality-check', 'christmas-eve']);

for (const exercise of loadTrack().exercises) {
  const { wrongAnswers } = (await import(path.join(wrongAnswersDir, `${exerciseDir(exercise)}.ts`))) as { wrongAnswers: WrongAnswer[] };
  const generated = path.join(wrongAnswersDir, '.generated', exerciseDir(exercise));

  const suite = RACES_DEADLINES.has(exercise.slug) ? describe : describe.concurrent;
  suite(`exercise ${exercise.number} rejects plausible wrong answers`, () => {
    it('has at least five of them, for at least three different tasks', () => {
      expect(wrongAnswers.length).toBeGreaterThanOrEqual(5);
      expect(new Set(wrongAnswers.map((answer) => answer.failsAt)).size).toBeGreaterThanOrEqual(3);
    });

    for (const answer of wrongAnswers) {
      it(`${answer.name} fails at Task ${answer.failsAt}, saying what was expected and found`, async () => {
        const file = await writeWrongAnswer(exercise, answer, path.join(generated, answer.name));

        const result = await gradeExercise(gradeTarget(exercise, file), { stateDir, earlierSteps: answer.earlierSteps });
        const failed = result.tasks.find((task) => task.status === 'fail');
        expect(result.status).toBe('fail');
        expect(failed?.id).toBe(answer.failsAt);
        expect(failed?.expected).toBeTruthy();
        expect(failed?.found).toBeTruthy();
        if (answer.says) expect(`${failed?.expected}\n${failed?.found}`).toMatch(answer.says);
        if (answer.looksAt) expect(failed?.look).toContain(`"Task ${answer.looksAt}" TODO`);
        expect(result.tasks.filter((task) => task.id < answer.failsAt).every((task) => task.status === 'pass')).toBe(true);
      });
    }
  });
}
