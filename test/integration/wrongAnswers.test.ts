import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { gradeExercise } from '../../kit/grading/gradeExercise.ts';
import { NamespaceRegistry } from '../../kit/grading/namespace.ts';
import { removeNamespace } from '../../kit/grading/sweep.ts';
import { exerciseDir, exercisePaths, loadTrack } from '../../kit/track.ts';
import type { WrongAnswer } from '../wrong-answers/wrongAnswer.ts';

// test/wrong-answers/<NN-slug>.ts lists plausible mistakes as edits of the reference solution.
// Each is written next to the others under .generated/ (two folders deep, like solutions/<NN-slug>/,
// so the solution's relative imports still resolve) and graded for real.
const wrongAnswersDir = path.resolve(import.meta.dirname, '..', 'wrong-answers');
const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-wrong-'));
afterAll(async () => {
  const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);
  await Promise.all((await new NamespaceRegistry(stateDir).all()).map((namespace) => removeNamespace(aws, namespace)));
  destroyClients(aws);
  await fs.rm(stateDir, { recursive: true, force: true });
});

function applyEdits(solution: string, answer: WrongAnswer): string {
  return answer.edits.reduce((source, edit) => {
    const occurrences = source.split(edit.find).length - 1;
    if (occurrences !== 1) throw new Error(`${answer.name}: "${edit.find.trim()}" occurs ${occurrences} times in the solution, not once`);
    return source.replace(edit.find, () => edit.replace);
  }, solution);
}

for (const exercise of loadTrack().exercises) {
  const { wrongAnswers } = (await import(path.join(wrongAnswersDir, `${exerciseDir(exercise)}.ts`))) as { wrongAnswers: WrongAnswer[] };
  const solution = readFileSync(exercisePaths(exercise).solution, 'utf8');
  const generated = path.join(wrongAnswersDir, '.generated', exerciseDir(exercise));

  describe.concurrent(`exercise ${exercise.number} rejects plausible wrong answers`, () => {
    it('has at least three of them, for at least two different tasks', () => {
      expect(wrongAnswers.length).toBeGreaterThanOrEqual(3);
      expect(new Set(wrongAnswers.map((answer) => answer.failsAt)).size).toBeGreaterThanOrEqual(2);
    });

    for (const answer of wrongAnswers) {
      it(`${answer.name} fails at Task ${answer.failsAt}, saying what was expected and found`, async () => {
        const file = path.join(generated, `${answer.name}.ts`);
        await fs.mkdir(generated, { recursive: true });
        await fs.writeFile(file, `// ${answer.mistake}\n${applyEdits(solution, answer)}`);

        const result = await gradeExercise(exercise.number, { file, stateDir });
        const failed = result.tasks.find((task) => task.status === 'fail');
        expect(result.status).toBe('fail');
        expect(failed?.id).toBe(answer.failsAt);
        expect(failed?.expected).toBeTruthy();
        expect(failed?.found).toBeTruthy();
        expect(failed?.look).toContain(`"Task ${answer.looksAt ?? answer.failsAt}" TODO`);
        expect(result.tasks.filter((task) => task.id < answer.failsAt).every((task) => task.status === 'pass')).toBe(true);
      });
    }
  });
}
