import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { gradeExercise } from '../../kit/grading/gradeExercise.ts';
import { NamespaceRegistry } from '../../kit/grading/namespace.ts';
import { removeNamespace } from '../../kit/grading/sweep.ts';
import { loadTrack, exerciseDir } from '../../kit/track.ts';

// Each file in test/wrong-answers/<NN-slug>/ is a plausible mistake; its first line names the task
// the grader must fail it on.
const root = path.resolve(import.meta.dirname, '..', 'wrong-answers');
const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-wrong-'));
afterAll(async () => {
  const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);
  await Promise.all((await new NamespaceRegistry(stateDir).all()).map((namespace) => removeNamespace(aws, namespace)));
  destroyClients(aws);
  await fs.rm(stateDir, { recursive: true, force: true });
});

for (const exercise of loadTrack().exercises) {
  const dir = path.join(root, exerciseDir(exercise));
  const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));

  describe.concurrent(`exercise ${exercise.number} rejects plausible wrong answers`, () => {
    it('has at least three of them', () => {
      expect(files.length).toBeGreaterThanOrEqual(3);
    });

    for (const name of files) {
      const file = path.join(dir, name);
      const expectedTask = Number(/^\/\/ Expected failure: Task (\d+)/.exec(readFileSync(file, 'utf8'))?.[1]);

      it(`${name} fails at Task ${expectedTask} with what was expected and found`, async () => {
        expect(expectedTask).toBeGreaterThan(0);
        const result = await gradeExercise(exercise.number, { file, stateDir });
        const failed = result.tasks.find((task) => task.status === 'fail');
        expect(result.status).toBe('fail');
        expect(failed?.id).toBe(expectedTask);
        expect(failed?.expected).toBeTruthy();
        expect(failed?.found).toBeTruthy();
        expect(result.tasks.filter((task) => task.id < expectedTask).every((task) => task.status === 'pass')).toBe(true);
      });
    }
  });
}
