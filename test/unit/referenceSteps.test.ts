import { describe, expect, it } from 'vitest';
import { classBoardServer, DEFAULT_LIMITS } from '../../kit/board/classBoardServer.ts';
import type { ClassView } from '../../kit/board/classView.ts';
import { ClassStore } from '../../kit/board/classStore.ts';
import { gradeBody } from '../../kit/board/gradeReport.ts';
import type { GradeResult } from '../../kit/grading/gradeExercise.ts';
import { formatGrade } from '../../kit/grading/report.ts';
import { colorsFor } from '../../kit/terminal.ts';
import { toResultsJson } from '../../kit/grading/results.ts';
import { recordGrade, statusOf, type Progress } from '../../kit/progress/progress.ts';
import { formatProgress } from '../../kit/commands/progress.ts';
import { findExercise, loadTrack } from '../../kit/track.ts';

const track = loadTrack();
// The step whose last task runs the whole system: Christmas Eve.
const last = track.exercises.find((exercise) => exercise.slug === 'christmas-eve')!;
const plain = colorsFor({ isTTY: false } as NodeJS.WriteStream, {});

/** Every task of the last step passed, its whole system on the reference solutions or on the learner's own steps. */
function passingGrade(referenceSteps: boolean): GradeResult {
  return {
    exercise: last,
    file: `exercises/08-${last.slug}/${last.file}`,
    status: 'pass',
    namespace: 'npabcde',
    localstack: { mode: 'host', endpoint: 'http://127.0.0.1:4566', version: '4.13.1' } as GradeResult['localstack'],
    tasks: last.tasks.map((task) => ({ id: task.id, title: task.title, status: 'pass', ms: 1 })),
    ...(referenceSteps ? { referenceSteps: true as const } : {}),
    timings: { totalMs: 1, localStackMs: 0, earlierStepsMs: 0, deployMs: 0, checksMs: 1, awsMs: 0 },
  };
}

describe('a grade whose whole system ran on the reference steps (--reference-steps)', () => {
  const grade = passingGrade(true);
  const results = toResultsJson(grade);

  it("is not a pass in results.json: status fail, the kit's own earlierSteps field, and the last task says why", () => {
    expect(results.status).toBe('fail');
    expect(results.earlierSteps).toBe('reference');
    expect(results.tests.at(-1)?.message).toMatch(/reference solutions of the earlier steps in place of yours.*not a pass of exercise 8/);
    expect(results.tests.map((test) => test.status)).toEqual([...last.tasks.slice(1).map(() => 'pass'), 'fail']);
    // The learner's own steps passing is the pass it always was.
    expect(toResultsJson(passingGrade(false))).toMatchObject({ status: 'pass' });
    expect(toResultsJson(passingGrade(false)).earlierSteps).toBeUndefined();
  });

  it("says so in the report and never prints the track's final message", () => {
    const report = formatGrade(grade, track, { colors: plain });
    expect(report).toContain('pass on the reference solutions of the earlier steps (--reference-steps)');
    expect(report).toContain('not a pass of exercise 8');
    expect(report).not.toContain(track.final);
    expect(report).not.toContain(`All ${last.tasks.length} tasks pass.`);
    // The learner's own pass goes on to the next step as any pass does.
    expect(formatGrade(passingGrade(false), track, { colors: plain })).toContain(`npm run exercise ${last.number + 1}`);
    expect(report).not.toContain(`npm run exercise ${last.number + 1}`);
  });

  it('is recorded in progress as a run, not as done, and the progress view says what it was', () => {
    const progress: Progress = { version: 1, updatedAt: new Date().toISOString(), exercises: {} };
    recordGrade(progress, last, 'reference-steps');
    const entry = progress.exercises[last.number]!;
    expect(statusOf(progress, last)).toBe('in-progress');
    expect(entry.passedAt).toBeUndefined();
    expect(Date.parse(entry.referenceStepsPassedAt!)).not.toBeNaN();
    expect(formatProgress(track, progress, plain)).toContain('passed on the reference steps only');
    expect(formatProgress(track, progress, plain)).not.toContain(track.final);
  });

  it('reaches the class board marked as such, and the board takes it', async () => {
    const membership = { address: 'http://127.0.0.1:1', code: 'ABCD-EFGH', learnerId: '', secret: '', name: 'Ada', joinedAt: new Date().toISOString() };
    const body = gradeBody(membership, results, undefined);
    expect(body).toMatchObject({ status: 'fail', earlierSteps: 'reference' });

    const store = ClassStore.open(':memory:');
    const token = 'x'.repeat(32);
    const board = await classBoardServer({ store, track, code: membership.code, token });
    try {
      const joined = store.join('Ada', '127.0.0.1', DEFAULT_LIMITS);
      if (!joined.joined) throw new Error(`the board refused the join: ${joined.reason}`);
      const answer = await board.inject({
        method: 'POST',
        url: '/grades',
        headers: { authorization: `Bearer ${joined.learner.id}.${joined.secret}` },
        payload: body,
      });
      expect(answer.statusCode).toBe(201);
      // On the board it is not a pass: the cell says what the grade was.
      const view = (await board.inject({ method: 'GET', url: '/view.json', headers: { authorization: `Bearer ${token}` } })).json() as ClassView;
      const cell = view.learners[0]!.cells[last.number]!;
      expect(cell.state).not.toBe('pass');
      expect(cell.message).toMatch(/not a pass of exercise 8/);
    } finally {
      await board.close();
    }
  });
});
