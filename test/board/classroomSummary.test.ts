import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classroomSummary } from '../../kit/classroom/summary.ts';
import type { ResultsJson } from '../../kit/grading/results.ts';
import { loadTrack } from '../../kit/track.ts';
import { TempProject } from '../workbench/tempProject.ts';

const track = loadTrack();

describe("a classroom repository's grading: the command its workflow runs, and the summary table", () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await TempProject.create();
  });
  afterAll(() => project.remove());

  it('`exercise N --json` against LocalStack as an endpoint, then `classroom-summary`: one row per step', async () => {
    const starter = path.join('exercises', '01-orders-bus', 'ordersBus.ts');
    await project.write(starter, await project.read('solutions', '01-orders-bus', 'ordersBus.ts'));
    for (const [number, code, status] of [
      [1, 0, 'pass'],
      [2, 1, 'fail'],
    ] as const) {
      const graded = await project.run(['exercise', String(number), '--json'], { NORTHPOLE_ENDPOINT: process.env.NORTHPOLE_ENDPOINT });
      expect(graded.code, graded.stderr).toBe(code);
      expect(JSON.parse(graded.stdout)).toMatchObject({ version: 3, status, exercise: { number } });
    }

    const summary = await project.run(['classroom-summary']);
    expect(summary.code).toBe(0);
    const lines = summary.stdout.trim().split('\n');
    expect(lines[0]).toBe(`## North Pole Orders: 1 of ${track.exercises.length} steps pass`);
    expect(lines.slice(2, 4)).toEqual(['| # | Exercise | Result | Tasks passed | First failure |', '| --- | --- | --- | --- | --- |']);
    expect(lines[4]).toBe('| 1 | The orders bus | ✓ pass | 4/4 |  |');
    expect(lines[5]).toMatch(/^\| 2 \| The orders API \| ✗ fail \| 0\/4 \| Task 1: [^|\n]+ \|$/);
    for (const [index, exercise] of track.exercises.slice(2).entries())
      expect(lines[6 + index]).toBe(`| ${exercise.number} | ${exercise.title} | · not graded | | |`);
    expect(lines).toHaveLength(4 + track.exercises.length);

    // One step's points for GitHub Classroom: its row, and exit 0 only when it passes.
    for (const [step, code] of [
      [1, 0],
      [2, 1],
      [3, 1],
    ] as const) {
      const points = await project.run(['classroom-summary', '--step', String(step)]);
      expect(points.code, `step ${step}`).toBe(code);
      expect(points.stdout.trim()).toBe(lines[3 + step]);
    }
  });

  it('an unreadable results file is a row that says so, and a message cannot break the table', () => {
    const [first, second] = track.exercises;
    const table = classroomSummary(
      track,
      new Map<number, ResultsJson | string>([
        [first!.number, 'unreadable 01-orders-bus.json: Unexpected end of JSON input'],
        [
          second!.number,
          {
            version: 3,
            status: 'fail',
            exercise: { number: 2, slug: 'orders-api' },
            finishedAt: '',
            tests: [{ name: 'Task 2: x', task_id: 2, status: 'fail', message: 'a | b <script>\nsecond line', duration_ms: 1 }],
          },
        ],
      ]),
    );
    expect(table).toContain('| 1 | The orders bus | ! error | | unreadable 01-orders-bus.json: Unexpected end of JSON input |');
    expect(table).toContain('| 2 | The orders API | ✗ fail | 0/4 | Task 2: x: a \\| b \\<script\\> |');
  });
});
