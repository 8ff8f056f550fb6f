import { describe, expect, it } from 'vitest';
import type { GradeResult } from '../../kit/grading/gradeExercise.ts';
import { errorResultsJson, toResultsJson } from '../../kit/grading/results.ts';
import type { TaskResult } from '../../kit/grading/verdicts.ts';
import { loadTrack } from '../../kit/track.ts';
import { exercismViolations } from '../support/exercismResults.ts';

const track = loadTrack();
const exercise = track.exercises[0]!;
const taskOrder = exercise.tasks.map((task) => task.id);

/** A grade of exercise 1 whose tasks ended as given, in the order of the exercise's tasks. */
function grade(statuses: TaskResult['status'][], extra: Partial<GradeResult> = {}, failure: Partial<TaskResult> = {}): GradeResult {
  return {
    exercise,
    file: 'exercises/01-orders-bus/ordersBus.ts',
    status: statuses.every((status) => status === 'pass') ? 'pass' : 'fail',
    namespace: 'npabcde',
    localstack: { mode: 'host', endpoint: 'http://127.0.0.1:4566', version: '4.13.1' } as GradeResult['localstack'],
    tasks: exercise.tasks.map((task, index) => ({
      id: task.id,
      title: task.title,
      status: statuses[index]!,
      ms: 12.4,
      ...(statuses[index] === 'fail'
        ? { expected: 'a bus named npabcde-orders', found: 'no such bus', look: 'exercises/01-orders-bus/ordersBus.ts, the "Task 1" TODO', ...failure }
        : {}),
    })),
    timings: { totalMs: 900, localStackMs: 10, earlierStepsMs: 0, deployMs: 500, checksMs: 390, awsMs: 250 },
    ...extra,
  };
}

const passing = grade(['pass', 'pass', 'pass', 'pass']);
const failing = grade(['pass', 'fail', 'skip', 'skip']);
const notLoading = grade(
  ['fail', 'skip', 'skip', 'skip'],
  { fileDidNotLoad: true },
  {
    deployProblem: 'your file does not compile: Unexpected ";" (line 12, column 18)',
    look: 'exercises/01-orders-bus/ordersBus.ts, line 12 (where the file stopped loading)',
  },
);

describe("results.json as Exercism's test-runner interface (v3) says", () => {
  it('a passing, a failing and a non-loading file each validate against v3, tests in the order of the tasks', () => {
    for (const result of [passing, failing, notLoading]) expect(exercismViolations(toResultsJson(result), taskOrder)).toEqual([]);
  });

  it('a pass: every task passes, no message', () => {
    const results = toResultsJson(passing);
    expect(results.status).toBe('pass');
    expect(results.message).toBeUndefined();
    expect(results.tests.map((test) => [test.task_id, test.status, test.name])).toEqual(
      exercise.tasks.map((task) => [task.id, 'pass', `Task ${task.id}: ${task.title}`]),
    );
  });

  it('a fail: the tasks in their order, the failure with what was expected and found, the tasks after it not earned and said to be unchecked', () => {
    const results = toResultsJson(failing);
    expect(results.status).toBe('fail');
    expect(results.message).toBeUndefined();
    expect(results.tests.map((test) => [test.task_id, test.status, test.checked])).toEqual([
      [1, 'pass', undefined],
      [2, 'fail', undefined],
      [3, 'fail', false],
      [4, 'fail', false],
    ]);
    expect(results.tests[1]!.message).toBe(
      'Expected a bus named npabcde-orders\nFound no such bus\nLook at exercises/01-orders-bus/ordersBus.ts, the "Task 1" TODO',
    );
    expect(results.tests[2]!.message).toBe('Not checked: it is checked once the tasks before it pass (Task 2 fails).');
    // The first failure of Exercism's list is the learner's real one.
    expect(results.tests.find((test) => test.status === 'fail')?.task_id).toBe(2);
  });

  it('a file that does not load: a top-level error with why and where, and no test', () => {
    const results = toResultsJson(notLoading);
    expect(results).toMatchObject({
      version: 3,
      status: 'error',
      tests: [],
      exercise: { number: 1, slug: 'orders-bus' },
      file: 'exercises/01-orders-bus/ordersBus.ts',
    });
    expect(results.message).toBe(
      'Your code: your file does not compile: Unexpected ";" (line 12, column 18)\nLook at exercises/01-orders-bus/ordersBus.ts, line 12 (where the file stopped loading)',
    );
  });

  it("keeps the grader's notes out of `output`, which is the learner's own, in the kit's `notes`", () => {
    const noted = grade(['pass', 'pass', 'pass', 'pass']);
    noted.tasks[3]!.notes = ['110 requests in 28.2 s', 'p50 9.1 s'];
    const test = toResultsJson(noted).tests[3]!;
    expect(test.notes).toEqual(['110 requests in 28.2 s', 'p50 9.1 s']);
    expect(test).not.toHaveProperty('output');
    expect(exercismViolations(toResultsJson(noted), taskOrder)).toEqual([]);
  });

  it("keeps the kit's own fields beside Exercism's: exercise, file, namespace, LocalStack, timings, type errors, durations", () => {
    const typed = toResultsJson(
      grade(['fail', 'skip', 'skip', 'skip'], {
        typeProblems: [
          { file: 'exercises/01-orders-bus/ordersBus.ts', line: 3, column: 5, message: "Type 'number' is not assignable to type 'string'. (TS2322)" },
        ],
      }),
    );
    expect(typed).toMatchObject({ namespace: 'npabcde', localstack: { version: '4.13.1' }, timings: { awsMs: 250 }, typeErrors: [{ line: 3 }] });
    expect(typed.tests[0]!.duration_ms).toBe(12);
    expect(Date.parse(typed.finishedAt)).not.toBeNaN();
  });

  it('a grade on the reference steps that passes every check is a fail whose last task says why, as v3 wants of a fail', () => {
    const results = toResultsJson(grade(['pass', 'pass', 'pass', 'pass'], { referenceSteps: true }));
    expect(results).toMatchObject({ status: 'fail', earlierSteps: 'reference' });
    expect(results.tests.at(-1)).toMatchObject({ status: 'fail', message: expect.stringMatching(/not a pass of exercise 1/) });
    expect(exercismViolations(results, taskOrder)).toEqual([]);
  });

  it('a grade that could not run (LocalStack unreachable) is an error with its message', () => {
    const results = errorResultsJson(exercise, 'LocalStack is not reachable: nothing answers at http://127.0.0.1:9');
    expect(results).toMatchObject({ status: 'error', tests: [] });
    expect(exercismViolations(results, taskOrder)).toEqual([]);
  });

  it('the check catches what v3 forbids: failures sorted first, a skip status, a fail with a top-level message, an error without one, long output', () => {
    const results = toResultsJson(failing);
    const sortedFailuresFirst = { ...results, tests: [...results.tests].sort((a, b) => Number(b.status === 'fail') - Number(a.status === 'fail')) };
    expect(exercismViolations(sortedFailuresFirst, taskOrder).join('; ')).toMatch(/not the tasks' order 1, 2, 3, 4/);
    expect(
      exercismViolations({ ...results, tests: results.tests.map((test) => (test.checked === false ? { ...test, status: 'skip' } : test)) }, taskOrder).join(
        '; ',
      ),
    ).toMatch(/\/tests\/2\/status must be equal to one of the allowed values/);
    expect(exercismViolations({ ...results, message: 'Task 2 failed' }, taskOrder).join('; ')).toMatch(/\/message must be null/);
    expect(exercismViolations({ version: 3, status: 'error', tests: [] }, taskOrder).join('; ')).toMatch(/must have required property 'message'/);
    expect(exercismViolations({ ...results, tests: results.tests.map((test) => ({ ...test, output: 'x'.repeat(501) })) }, taskOrder).join('; ')).toMatch(
      /output must NOT have more than 500 characters/,
    );
    expect(exercismViolations({ ...results, status: 'pass' }, taskOrder).join('; ')).toMatch(/\/tests\/1\/status must be equal to constant/);
  });
});
