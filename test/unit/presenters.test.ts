import { describe, expect, it } from 'vitest';
import { toCsv, toMarkdown } from '../../kit/board/classExport.ts';
import type { RoomRecord, StepSummary } from '../../kit/board/classStore.ts';
import { classView, minutesOnStep } from '../../kit/board/classView.ts';
import { formatProgress } from '../../kit/commands/progress.ts';
import type { GradeResult } from '../../kit/grading/gradeExercise.ts';
import { formatGrade } from '../../kit/grading/report.ts';
import { toResultsJson } from '../../kit/grading/results.ts';
import type { TaskResult } from '../../kit/grading/verdicts.ts';
import { chooseHint } from '../../kit/progress/hints.ts';
import { nextUnfinished, recordGrade, recordHint, recordReset, statusOf, type Progress } from '../../kit/progress/progress.ts';
import { colorsFor } from '../../kit/terminal.ts';
import { loadTrack } from '../../kit/track.ts';

// What the learner and the instructor read, from plain data: no LocalStack, no process, no clock but the one given.
const track = loadTrack();
const [first, second] = track.exercises as [(typeof track.exercises)[0], (typeof track.exercises)[0]];
const last = track.exercises.at(-1)!;
const plain = colorsFor({ isTTY: false } as NodeJS.WriteStream, {});

function grade(exercise: typeof first, statuses: TaskResult['status'][], extra: Partial<GradeResult> = {}): GradeResult {
  return {
    exercise,
    file: `exercises/${String(exercise.number).padStart(2, '0')}-${exercise.slug}/${exercise.file}`,
    status: statuses.every((status) => status === 'pass') ? 'pass' : 'fail',
    namespace: 'npabcde',
    localstack: { mode: 'host', endpoint: 'http://127.0.0.1:4566', version: '4.13.1' } as GradeResult['localstack'],
    tasks: exercise.tasks.map((task, index) => ({
      id: task.id,
      title: task.title,
      status: statuses[index]!,
      ms: 10,
      ...(statuses[index] === 'fail'
        ? { expected: 'a queue policy that lets events.amazonaws.com send', found: 'no policy on npabcde-elf-log', look: 'ordersBus.ts, the "Task 2" TODO' }
        : {}),
    })),
    timings: { totalMs: 1400, localStackMs: 5, earlierStepsMs: 0, deployMs: 600, checksMs: 790, awsMs: 250 },
    ...extra,
  };
}

describe('formatGrade: the report after a grade', () => {
  it('a failure: the first failure in full before the list, then every task, the count and what to do', () => {
    const report = formatGrade(grade(first, ['pass', 'fail', 'skip', 'skip']), track, { colors: plain });
    const failure = report.indexOf('✗ Task 2: Give the elves a log queue EventBridge may send to');
    expect(failure).toBeGreaterThan(-1);
    expect(failure).toBeLessThan(report.indexOf('  ✓ Task 1: Create the orders bus'));
    expect(report).toContain('  Expected: a queue policy that lets events.amazonaws.com send');
    expect(report).toContain('  Found:    no policy on npabcde-elf-log');
    expect(report).toContain('  Look at:  ordersBus.ts, the "Task 2" TODO');
    expect(report).toContain('  Stuck?    npm run hint 1');
    expect(report).toContain('  · Task 3: Route orders to the elf log with a rule  (checked once the tasks before it pass)');
    expect(report).toContain('1 of 4 tasks pass. (exercises/01-orders-bus/ordersBus.ts, namespace npabcde, 1.4 s)');
    expect(report).toContain('Edit, save, and run npm run exercise 1 again');
    expect(report).toContain('look around: npm run aws -- sqs list-queues --queue-name-prefix npabcde');
  });

  it('a pass: the lesson, the reference solution and the next step; the last step ends the track; watch mode leaves the commands out', () => {
    const report = formatGrade(grade(first, ['pass', 'pass', 'pass', 'pass']), track, { colors: plain });
    expect(report).toContain('All 4 tasks pass.');
    expect(report).toContain(`You learned: ${first.learned}`);
    expect(report).toMatch(/Reference solution: solutions[\\/]01-orders-bus[\\/]ordersBus\.ts \(npm run solution 1 shows it\)/);
    expect(report).toContain(`Next: npm run exercise 2 · ${second.title}`);
    expect(
      formatGrade(
        grade(
          last,
          last.tasks.map(() => 'pass'),
        ),
        track,
        { colors: plain },
      ),
    ).toContain(track.final);
    const watching = formatGrade(grade(first, ['pass', 'pass', 'pass', 'pass']), track, { colors: plain, watching: true });
    expect(watching).not.toContain('Next:');
    expect(formatGrade(grade(first, ['fail', 'skip', 'skip', 'skip']), track, { colors: plain, watching: true, hintKey: true })).toContain(
      'Stuck?    press h for a hint',
    );
  });

  it("tsc's errors in the file come first, above the failure", () => {
    const report = formatGrade(
      grade(first, ['fail', 'skip', 'skip', 'skip'], {
        typeProblems: [
          { file: 'exercises/01-orders-bus/ordersBus.ts', line: 9, column: 7, message: "Type 'number' is not assignable to type 'string'. (TS2322)" },
        ],
      }),
      track,
      { colors: plain },
    );
    expect(report.indexOf('Type error in your file (tsc):')).toBeLessThan(report.indexOf('✗ Task 1'));
    expect(report).toContain("exercises/01-orders-bus/ordersBus.ts:9:7 Type 'number' is not assignable to type 'string'. (TS2322)");
  });

  it('is plain text on a pipe and coloured on a terminal', () => {
    const failing = grade(first, ['fail', 'skip', 'skip', 'skip']);
    expect(formatGrade(failing, track, { colors: plain })).not.toMatch(/\u001b\[/);
    expect(formatGrade(failing, track, { colors: colorsFor({ isTTY: true } as NodeJS.WriteStream, {}) })).toMatch(/\u001b\[/);
  });
});

describe('chooseHint: the next hint', () => {
  const taskTwo = first.tasks[1]!;
  const failingAtTwo = toResultsJson(grade(first, ['pass', 'fail', 'skip', 'skip']));
  const progressWith = (hints: Record<string, number>, status: 'in-progress' | 'done' = 'in-progress') => ({
    slug: first.slug,
    status,
    timeSpentMs: 0,
    runs: 1,
    hints,
  });

  it('is for the task the last grade fails at, one at a time, until its hints run out', () => {
    expect(chooseHint(first, undefined, failingAtTwo)).toEqual({ kind: 'hint', task: taskTwo, index: 0 });
    expect(chooseHint(first, progressWith({ 2: 1 }), failingAtTwo)).toEqual({ kind: 'hint', task: taskTwo, index: 1 });
    expect(chooseHint(first, progressWith({ 2: taskTwo.hints.length }), failingAtTwo)).toEqual({ kind: 'exhausted', task: taskTwo });
  });

  it('goes task by task with no grade, or when the file did not load; none for a step that passes', () => {
    expect(chooseHint(first, undefined, undefined)).toEqual({ kind: 'hint', task: first.tasks[0], index: 0 });
    expect(chooseHint(first, progressWith({ 1: first.tasks[0]!.hints.length }), undefined)).toEqual({ kind: 'hint', task: taskTwo, index: 0 });
    const notLoading = toResultsJson(grade(first, ['fail', 'skip', 'skip', 'skip'], { fileDidNotLoad: true }));
    expect(notLoading.status).toBe('error');
    expect(chooseHint(first, undefined, notLoading)).toEqual({ kind: 'hint', task: first.tasks[0], index: 0 });
    expect(chooseHint(first, progressWith({}, 'done'), toResultsJson(grade(first, ['pass', 'pass', 'pass', 'pass'])))).toEqual({ kind: 'passed' });
    const allGiven = Object.fromEntries(first.tasks.map((task) => [task.id, task.hints.length]));
    expect(chooseHint(first, progressWith(allGiven), undefined)).toEqual({ kind: 'none' });
  });
});

describe('progress records', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 11, 24, 18, minutes));
  const fresh = (): Progress => ({ version: 1, updatedAt: at(0).toISOString(), exercises: {} });

  it('a pass is kept through later failures; time counts the gaps between grades and hints, a long break left out, until the pass', () => {
    const progress = fresh();
    recordGrade(progress, first, 'fail', at(0));
    recordHint(progress, first, 1, at(4));
    recordGrade(progress, first, 'fail', at(10));
    recordGrade(progress, first, 'fail', at(40)); // a 30-minute break
    recordGrade(progress, first, 'pass', at(45));
    recordGrade(progress, first, 'fail', at(50));
    const entry = progress.exercises[first.number]!;
    expect(entry).toMatchObject({ status: 'done', runs: 5, hints: { 1: 1 }, passedAt: at(45).toISOString(), lastGradedAt: at(50).toISOString() });
    expect(entry.timeSpentMs).toBe(15 * 60_000);
    expect(nextUnfinished(track, progress)).toBe(second);
  });

  it('a hint alone starts a step; a reset makes a passed step unfinished until it passes again; the reference steps never pass it', () => {
    const progress = fresh();
    recordHint(progress, second, 1, at(0));
    expect(statusOf(progress, second)).toBe('in-progress');
    recordGrade(progress, first, 'pass', at(1));
    recordReset(progress, first, at(2));
    expect(statusOf(progress, first)).toBe('reset');
    expect(nextUnfinished(track, progress)).toBe(first);
    recordGrade(progress, first, 'pass', at(3));
    expect(statusOf(progress, first)).toBe('done');
    recordGrade(progress, last, 'reference-steps', at(4));
    expect(statusOf(progress, last)).toBe('in-progress');
  });

  it('the progress view: an N/M bar, a line per step, the time and the next step', () => {
    const progress = fresh();
    recordGrade(progress, first, 'fail', at(0));
    recordGrade(progress, first, 'pass', at(5));
    recordGrade(progress, second, 'fail', at(6));
    const view = formatProgress(track, progress, plain);
    expect(view).toContain(
      `${'█'.repeat(Math.round(20 / track.exercises.length))}${'░'.repeat(20 - Math.round(20 / track.exercises.length))} 1/${track.exercises.length} exercises done`,
    );
    expect(view).toMatch(/✓ 1 The orders bus\s+done\s+2 runs · 5 min · 0 hints/);
    expect(view).toMatch(/▸ 2 The orders API\s+in progress\s+1 run · under a minute · 0 hints/);
    expect(view).toContain(`Next: npm run exercise 2 · ${second.title}`);
  });
});

describe('the class board: classView and its exports', () => {
  const T0 = Date.UTC(2026, 11, 24, 9, 0);
  const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
  let seq = 0;
  const step = (
    learnerId: string,
    exercise: number,
    last: Partial<StepSummary['last']> & Pick<StepSummary['last'], 'status'>,
    firstPassedAt?: number,
    runs = 1,
  ): StepSummary => ({
    learnerId,
    exercise,
    runs,
    firstGradedAt: iso(1),
    ...(firstPassedAt === undefined ? {} : { firstPassedAt: iso(firstPassedAt) }),
    last: { hints: 0, receivedAt: iso(firstPassedAt ?? 20), seq: ++seq, ...last },
  });
  const room: RoomRecord = {
    learners: [
      { id: 'a', name: 'Ada', joinedAt: iso(0) },
      { id: 'b', name: '=HYPERLINK("http://x")', joinedAt: iso(0) },
      { id: 'c', name: 'Cy "the elf"', joinedAt: iso(30) },
    ],
    steps: [
      // Ada passed 1 at minute 10, then a failing experiment: still a pass. Failing 2 at Task 3.
      step('a', 1, { status: 'fail', failingTask: 2 }, 10, 3),
      step('a', 2, { status: 'fail', failingTask: 3, message: 'Expected a 400 for a bad order', hints: 2 }),
      // The second learner fails 1 at Task 3 too; Cy's machine could not grade.
      step('b', 1, { status: 'fail', failingTask: 3 }),
      step('c', 1, { status: 'error', problemKind: 'localstack', message: 'Nothing answers at http://127.0.0.1:4566' }),
    ],
    changes: [{ at: iso(40), action: 'removed', name: 'ghost' }],
  };
  const view = classView(track, room, new Date(T0 + 60 * 60_000));
  const ada = view.learners.find((row) => row.name === 'Ada')!;

  it('a pass stays a pass; a failing cell carries the task and its title from the track; a grade that could not run is set apart', () => {
    expect(ada.cells[1]).toMatchObject({ state: 'pass', runs: 3 });
    expect(ada.cells[1]!.failingTask).toBeUndefined();
    expect(ada.cells[2]).toMatchObject({
      state: 'fail',
      failingTask: 3,
      failingTitle: second.tasks[2]!.title,
      message: 'Expected a 400 for a bad order',
      hints: 2,
    });
    expect(ada.cells[3]!.state).toBe('none');
    expect(view.setupTrouble).toEqual([
      { name: 'Cy "the elf"', exercise: 1, kind: 'localstack', message: 'Nothing answers at http://127.0.0.1:4566', at: iso(20) },
    ]);
    expect(view.exercises[0]).toMatchObject({ number: 1, finished: 1 });
    expect(view.grades).toBe(6);
  });

  it('time on step runs from the latest first pass before it, or from joining; the longest on their step come first', () => {
    expect(ada).toMatchObject({ current: 2, currentSince: iso(10), done: 1, hints: 2 });
    expect(minutesOnStep(ada, new Date(T0 + 60 * 60_000))).toBe(50);
    expect(view.stuck.map((entry) => [entry.name, entry.exercise, entry.since])).toEqual([
      ['=HYPERLINK("http://x")', 1, iso(0)],
      ['Ada', 2, iso(10)],
      ['Cy "the elf"', 1, iso(30)],
    ]);
  });

  it('the task that fails most across the room, by learners', () => {
    expect(view.mostFailing).toEqual({ exercise: 1, task: 3, title: first.tasks[2]!.title, learners: 1 });
  });

  it('CSV: every field quoted, quotes doubled, no formula, CRLF lines, one row per learner by name', () => {
    const lines = toCsv(view).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      `"learner",${track.exercises.map((exercise) => `"${exercise.number} ${exercise.title.replaceAll('"', '""')}"`).join(',')},"steps passed","hints used","current step","minutes on current step"`,
    );
    expect(lines[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/x""\)","failing at Task 3: [^"]+","not started",/);
    expect(lines[2]).toMatch(new RegExp(`^"Ada","passed","failing at Task 3: ${second.tasks[2]!.title}","not started",.*,"1","2","2","50"$`));
    expect(lines[3]).toMatch(/^"Cy ""the elf""","could not grade \(localstack\)",.*"0","0","1","30"$/);
  });

  it('Markdown: names as text, never a link, a formula or a table break; the instructor’s changes listed', () => {
    const markdown = toMarkdown(view);
    expect(markdown).toContain('| =HYPERLINK\\("http:\u2060//x"\\) | ✗ Task 3');
    expect(markdown).toContain('- Cy "the elf", step 1: localstack: Nothing answers at http:\u2060//127.0.0.1:4566');
    expect(markdown).toContain('⚠ could not grade (localstack)');
    expect(markdown).toContain(`| 1 The orders bus | 1 of 3 |`);
    expect(markdown).toMatch(/- 2026-12-24 09:40 UTC: ghost removed from the board/);
  });
});
