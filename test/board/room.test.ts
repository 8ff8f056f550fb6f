import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classBoardServer } from '../../kit/board/classBoardServer.ts';
import { markdownText, toMarkdown } from '../../kit/board/classExport.ts';
import { problemKind } from '../../kit/board/gradeReport.ts';
import { EnvironmentError } from '../../kit/environmentError.ts';
import { ClassStore, GRADES_KEPT_PER_LEARNER } from '../../kit/board/classStore.ts';
import { classView, minutesOnStep, type ClassView } from '../../kit/board/classView.ts';
import { sampleGrade } from '../../kit/board/roomLoad.ts';
import { loadTrack } from '../../kit/track.ts';
import { TempProject } from '../workbench/tempProject.ts';

const track = loadTrack();
const exercises = track.exercises.map((exercise) => exercise.number);
const MINUTE = 60_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');

/** A board in this process with a clock the test moves. */
async function boardAt(limits?: { learners?: number; perAddress?: number }) {
  const clock = { now: T0 };
  const store = ClassStore.open(':memory:');
  const app = await classBoardServer({ store, track, code: 'ELF-CODE', token: 'instructor-token-0123456789', limits, now: () => new Date(clock.now) });
  const join = (name: string, from = '10.1.1.1', credentials?: string) =>
    app.inject({
      method: 'POST',
      url: '/join',
      remoteAddress: from,
      headers: credentials ? { authorization: `Bearer ${credentials}` } : {},
      payload: { code: 'ELF-CODE', name },
    });
  const joined = async (name: string, from?: string) => {
    const response = await join(name, from);
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json() as { learnerId: string; secret: string };
    return `${body.learnerId}.${body.secret}`;
  };
  const grade = (credentials: string, exercise: number, status: 'pass' | 'fail', task = 1) =>
    app.inject({
      method: 'POST',
      url: '/grades',
      headers: { authorization: `Bearer ${credentials}` },
      payload: {
        ...sampleGrade('ELF-CODE', exercises, 0),
        exercise,
        status,
        tests: [{ task_id: task, status: status === 'pass' ? 'pass' : 'fail', message: 'Expected a bus' }],
      },
    });
  const instructor = { authorization: 'Bearer instructor-token-0123456789' };
  const view = async () => (await app.inject({ method: 'GET', url: '/view.json', headers: instructor })).json() as ClassView;
  return { app, store, clock, join, joined, grade, view, instructor };
}

describe('time on step: since the learner passed the step before (or joined), on the board clock', () => {
  it('does not jump back when the learner first grades the step; restarts only when a step passes', async () => {
    const board = await boardAt();
    try {
      const ada = await board.joined('Ada');
      const minutes = async () => {
        const row = (await board.view()).learners[0]!;
        return { step: row.current, minutes: minutesOnStep(row, new Date(board.clock.now)) };
      };
      board.clock.now = T0 + 4 * MINUTE;
      expect(await minutes()).toEqual({ step: 1, minutes: 4 });
      expect((await board.grade(ada, 1, 'pass')).statusCode).toBe(201);
      board.clock.now = T0 + 15.5 * MINUTE;
      expect(await minutes()).toEqual({ step: 2, minutes: 11 });
      // The first grade of step 2: the clock goes on from the pass of step 1 (before: it fell to 0).
      expect((await board.grade(ada, 2, 'fail', 3)).statusCode).toBe(201);
      expect(await minutes()).toEqual({ step: 2, minutes: 11 });
      board.clock.now = T0 + 30 * MINUTE;
      expect((await board.grade(ada, 2, 'fail', 4)).statusCode).toBe(201);
      expect(await minutes()).toEqual({ step: 2, minutes: 26 });
      expect((await board.grade(ada, 2, 'pass')).statusCode).toBe(201);
      expect(await minutes()).toEqual({ step: 3, minutes: 0 });
      board.clock.now = T0 + 37 * MINUTE;
      expect(await minutes()).toEqual({ step: 3, minutes: 7 });
      // A later step passed out of order does not move the clock of the step they are on.
      expect((await board.grade(ada, 5, 'pass')).statusCode).toBe(201);
      expect(await minutes()).toEqual({ step: 3, minutes: 7 });
      // Passing step 3 moves them to 4 (5 is done already), from now.
      expect((await board.grade(ada, 3, 'pass')).statusCode).toBe(201);
      expect(await minutes()).toEqual({ step: 4, minutes: 0 });
      expect((await board.view()).stuck).toEqual([{ name: 'Ada', exercise: 4, since: new Date(T0 + 37 * MINUTE).toISOString() }]);
    } finally {
      await board.app.close();
    }
  });
});

describe('one person, one row; a room, not a flood', () => {
  let board: Awaited<ReturnType<typeof boardAt>>;
  beforeEach(async () => {
    board = await boardAt({ learners: 4, perAddress: 3 });
  });
  afterEach(() => board.app.close());

  it('joining again with the credentials of the first join keeps the row (and may change the name); a second "Ada" is refused', async () => {
    const ada = await board.joined('Ada');
    await board.grade(ada, 1, 'pass');
    const again = await board.join('Ada Lovelace', '10.1.1.1', ada);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ learnerId: ada.split('.')[0], name: 'Ada Lovelace', rejoined: true });
    expect(again.json()).not.toHaveProperty('secret');
    const view = await board.view();
    expect(view.learners.map((row) => [row.name, row.done])).toEqual([['Ada Lovelace', 1]]);

    const twin = await board.join('  ada   LOVELACE ', '10.1.1.2');
    expect(twin.statusCode).toBe(409);
    expect(twin.json().message).toBe(
      'Someone on this board is already called "ada   LOVELACE": join with another name (add an initial). If that row is you from another copy of the kit, ask the instructor to remove it.',
    );
    expect((await board.view()).learners).toHaveLength(1);
  });

  it('caps learners per address and per board, and the instructor can close joining', async () => {
    for (const name of ['A', 'B', 'C']) await board.joined(name, '10.1.1.1');
    const fourth = await board.join('D', '10.1.1.1');
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().message).toBe(
      '3 learners have joined from your network address already: the instructor can allow more with `npm run instructor -- --per-address N`.',
    );
    await board.joined('D', '10.1.1.2');
    const full = await board.join('E', '10.1.1.3');
    expect(full.statusCode).toBe(403);
    expect(full.json().message).toBe('This board is full (4 learners): the instructor can allow more with `npm run instructor -- --max-learners N`.');

    const closing = await board.app.inject({ method: 'POST', url: '/joining', headers: board.instructor, payload: { open: false } });
    expect(closing.json()).toEqual({ open: false });
    expect(board.store.joiningOpen).toBe(false);
    const closed = await board.join('F', '10.1.1.4');
    expect(closed.statusCode).toBe(403);
    expect(closed.json().message).toBe('Joining is closed on this board: ask the instructor to open it.');
    // Only the instructor opens and closes it.
    expect((await board.app.inject({ method: 'POST', url: '/joining', payload: { open: true } })).statusCode).toBe(401);
  });

  it('the instructor removes a ghost and merges two rows of one person; the export says so, and the merged copy still sends', async () => {
    const ada = await board.joined('Ada');
    const ghost = await board.joined('Ada (laptop 2)');
    const mallory = await board.joined('Mallory');
    const idOf = (credentials: string) => credentials.split('.')[0]!;
    board.clock.now = T0 + 5 * MINUTE;
    await board.grade(ada, 1, 'pass');
    await board.grade(ghost, 2, 'fail', 2);
    await board.grade(mallory, 1, 'pass');

    // A page of another origin cannot send these: no JSON body, no action; no token, no action.
    expect((await board.app.inject({ method: 'POST', url: `/learners/${idOf(mallory)}/remove` })).statusCode).toBe(401);
    expect(
      (
        await board.app.inject({
          method: 'POST',
          url: `/learners/${idOf(mallory)}/remove`,
          headers: { ...board.instructor, 'content-type': 'text/plain' },
          payload: 'x',
        })
      ).statusCode,
    ).toBe(415);

    board.clock.now = T0 + 6 * MINUTE;
    const removed = await board.app.inject({ method: 'POST', url: `/learners/${idOf(mallory)}/remove`, headers: board.instructor, payload: {} });
    expect(removed.json()).toEqual({ removed: 'Mallory' });
    const merged = await board.app.inject({ method: 'POST', url: `/learners/${idOf(ghost)}/merge`, headers: board.instructor, payload: { into: idOf(ada) } });
    expect(merged.json()).toEqual({ merged: 'Ada (laptop 2)', into: 'Ada' });
    expect(
      (await board.app.inject({ method: 'POST', url: `/learners/${idOf(ghost)}/merge`, headers: board.instructor, payload: { into: idOf(ada) } })).statusCode,
    ).toBe(404);

    const view = await board.view();
    expect(view.learners.map((row) => row.name)).toEqual(['Ada']);
    expect(view.learners[0]!.cells[1]).toMatchObject({ state: 'pass' });
    expect(view.learners[0]!.cells[2]).toMatchObject({ state: 'fail', failingTask: 2, runs: 1 });
    expect(view.stuck.map((row) => row.name)).toEqual(['Ada']);
    // The merged copy's grades go to the row it was merged into; the removed learner is told why.
    expect((await board.grade(ghost, 2, 'fail', 3)).statusCode).toBe(201);
    expect((await board.view()).learners[0]!.cells[2]).toMatchObject({ failingTask: 3, runs: 2 });
    const refused = await board.grade(mallory, 2, 'pass');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toMatch(/^The instructor removed you from this board/);

    const markdown = (await board.app.inject({ method: 'GET', url: '/export.md', headers: board.instructor })).body;
    expect(markdown).toContain(
      'Changed by the instructor:\n\n- 2026-12-01 09:06 UTC: Mallory removed from the board\n- 2026-12-01 09:06 UTC: Ada \\(laptop 2\\) merged into Ada\n',
    );
    expect(markdown).not.toContain('| Mallory');
    const csv = (await board.app.inject({ method: 'GET', url: '/export.csv', headers: board.instructor })).body;
    expect(
      csv
        .trim()
        .split('\r\n')
        .map((line) => line.split(',')[0]),
    ).toEqual(['"learner"', '"Ada"']);

    // Joining again from the removed copy makes a new row; from the merged copy, it is the row it was merged into.
    const back = await board.join('Mallory', '10.1.1.1', mallory);
    expect(back.statusCode, back.body).toBe(201);
    expect(back.json().learnerId).not.toBe(idOf(mallory));
    const twice = await board.join('Ada (laptop 2)', '10.1.1.1', ghost);
    expect(twice.statusCode, twice.body).toBe(200);
    expect(twice.json()).toMatchObject({ learnerId: idOf(ada), name: 'Ada', rejoined: true });
    expect((await board.view()).learners.map((row) => row.name)).toEqual(['Ada', 'Mallory']);
  });

  it('a grade that could not run (exit 2) is shown apart from failing a task', async () => {
    const noel = await board.joined('Noel');
    const response = await board.app.inject({
      method: 'POST',
      url: '/grades',
      headers: { authorization: `Bearer ${noel}` },
      payload: {
        ...sampleGrade('ELF-CODE', exercises, 0),
        exercise: 2,
        status: 'error',
        tests: [],
        environment: { kind: 'localstack', message: 'Nothing answers at http://127.0.0.1:4566: NORTHPOLE_ENDPOINT points at a LocalStack that is not running' },
        referenceSteps: true,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const view = await board.view();
    expect(view.learners[0]!.cells[2]).toMatchObject({
      state: 'error',
      problemKind: 'localstack',
      message: 'Nothing answers at http://127.0.0.1:4566: NORTHPOLE_ENDPOINT points at a LocalStack that is not running',
    });
    expect(view.setupTrouble).toEqual([
      {
        name: 'Noel',
        exercise: 2,
        kind: 'localstack',
        message: 'Nothing answers at http://127.0.0.1:4566: NORTHPOLE_ENDPOINT points at a LocalStack that is not running',
        at: new Date(T0).toISOString(),
      },
    ]);
    expect(view.mostFailing).toBeUndefined();
    expect(toMarkdown(view)).toContain('⚠ could not grade (localstack)');
  });
});

describe('the page costs the same however many grades arrive', () => {
  it(`keeps each learner's newest ${GRADES_KEPT_PER_LEARNER} grades and every step's last; the view is drawn from one row per step`, async () => {
    const store = ClassStore.open(':memory:');
    try {
      const joined = store.join('Flo', '10.0.0.1', { learners: 10, perAddress: 10 });
      if (!joined.joined) throw new Error(joined.reason);
      const at = (k: number) => new Date(T0 + k * 1000).toISOString();
      await store.record({
        learnerId: joined.learner.id,
        gradeId: 'first-pass-of-1',
        exercise: 1,
        status: 'pass',
        hints: 0,
        timeSpentMs: 0,
        finishedAt: at(0),
        receivedAt: at(0),
      });
      await Promise.all(
        Array.from({ length: GRADES_KEPT_PER_LEARNER + 200 }, (_, k) =>
          store.record({
            learnerId: joined.learner.id,
            gradeId: `g-${k}`,
            exercise: 2,
            status: 'fail',
            failingTask: 1 + (k % 4),
            hints: 1,
            timeSpentMs: 0,
            finishedAt: at(k + 1),
            receivedAt: at(k + 1),
          }),
        ),
      );
      const kept = store.grades();
      expect(kept).toHaveLength(GRADES_KEPT_PER_LEARNER + 1);
      expect(kept[0]!.gradeId).toBe('first-pass-of-1');
      const room = store.room();
      expect(room.steps).toHaveLength(2);
      const view = classView(track, room, new Date(T0 + 3600_000));
      expect(view.grades).toBe(GRADES_KEPT_PER_LEARNER + 201);
      expect(view.learners[0]!.cells[1]!.state).toBe('pass');
      expect(view.learners[0]!.cells[2]).toMatchObject({
        state: 'fail',
        runs: GRADES_KEPT_PER_LEARNER + 200,
        failingTask: 1 + ((GRADES_KEPT_PER_LEARNER + 199) % 4),
      });
    } finally {
      store.close();
    }
  });
});

describe('a grade that could not run is sent with what broke, in a word the board groups by', () => {
  it.each([
    ['Nothing answers at http://127.0.0.1:4566', 'NORTHPOLE_ENDPOINT points at a LocalStack that is not running or not reachable.', 'localstack'],
    ["The kit's LocalStack (pid 4242) does not answer at http://127.0.0.1:4566", 'It runs but does not answer.', 'localstack'],
    ['Port 4566 is taken', 'node (pid 77) listens there.', 'localstack'],
    ["The kit's patches were not applied in localstack/localstack:4.13.1", 'applied 3 of 5 patches', 'localstack patches'],
    ['LocalStack did not start in Docker', 'connect ENOENT /var/run/docker.sock', 'docker'],
    ['No JDK 17+ for DynamoDB in the no-Docker mode', 'java was not found.', 'java'],
    ['LocalStack did not start (no-Docker mode)', 'python3.11: No module named localstack', 'python'],
    ['Cannot write .northpole/progress.json', 'EACCES: permission denied', 'state folder'],
    ['Exercise 3 has no grader', 'graders/03-order-routing.grader.ts is missing from this copy of the kit.', 'kit files'],
    ['Something else', 'entirely.', 'setup'],
  ])('%s: %s', (what, why, kind) => {
    expect(problemKind(new EnvironmentError(what, why, 'fix it'))).toBe(kind);
  });
});

describe('the Markdown export makes no link and no @mention of what learners typed', () => {
  it('breaks URLs, www., e-mail addresses and @names with an invisible word joiner; the text reads the same', () => {
    for (const name of ['@octocat', 'see https://evil.example/x', 'www.example.com', 'ada@example.com', 'Ada (@ada) [x](http://y)']) {
      const shown = markdownText(name);
      expect(shown, name).not.toMatch(/@\w|:\/\/|www\./i);
      expect(shown.replaceAll('\u2060', '').replace(/\\(.)/g, '$1')).toBe(name);
    }
  });
});

describe("the board's data file: what goes wrong is said by name, and an archive exports as it is", () => {
  let dir: string;
  let project: TempProject;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-board-file-'));
    project = await TempProject.create();
  });
  afterEach(async () => {
    await fs.chmod(dir, 0o755).catch(() => undefined);
    await project.remove();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a file that is not a board: exit 2, its name and what to do, no stack trace', async () => {
    const corrupt = path.join(dir, 'board.sqlite');
    await fs.writeFile(corrupt, 'this is a spreadsheet, not a board\n'.repeat(200));
    for (const args of [
      ['instructor', '--data', corrupt, '--port', '0'],
      ['instructor', 'export', '--data', corrupt],
    ]) {
      const ran = await project.run(args);
      expect(ran.code, args.join(' ')).toBe(2);
      expect(ran.stderr).toContain(`${corrupt} is not a class board's data file, or it is damaged`);
      expect(ran.stderr).toContain('Start the board with another file (--data new-class.sqlite)');
      expect(ran.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = await project.run(['instructor', 'export', '--data', path.join(dir, 'nothing.sqlite')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(
      `There is no class board data in ${path.join(dir, 'nothing.sqlite')}: start one with \`npm run instructor\`, or pass --data FILE.`,
    );
  });

  it('a board file from before the step summaries: exported as it is (through a copy), and brought up to date when the board starts on it', async () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new DatabaseSync(file);
    old.exec(`
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE learners (id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, joined_at TEXT NOT NULL);
      CREATE TABLE grades (seq INTEGER PRIMARY KEY AUTOINCREMENT, learner_id TEXT NOT NULL REFERENCES learners(id), grade_id TEXT NOT NULL, exercise INTEGER NOT NULL,
        status TEXT NOT NULL, failing_task INTEGER, message TEXT, hints INTEGER NOT NULL, time_spent_ms INTEGER NOT NULL, finished_at TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE (learner_id, grade_id));
      INSERT INTO learners VALUES ('00000000-0000-4000-8000-000000000001', 'Ada', 'x', '2026-12-01T09:00:00.000Z');
      INSERT INTO grades (learner_id, grade_id, exercise, status, failing_task, hints, time_spent_ms, finished_at, received_at) VALUES
        ('00000000-0000-4000-8000-000000000001', 'a', 1, 'fail', 2, 0, 0, '2026-12-01T09:05:00.000Z', '2026-12-01T09:05:00.000Z'),
        ('00000000-0000-4000-8000-000000000001', 'b', 1, 'pass', NULL, 1, 0, '2026-12-01T09:10:00.000Z', '2026-12-01T09:10:00.000Z'),
        ('00000000-0000-4000-8000-000000000001', 'c', 2, 'fail', 3, 2, 0, '2026-12-01T09:20:00.000Z', '2026-12-01T09:20:00.000Z');
    `);
    old.close();
    const before = await fs.readFile(file);
    const expected = { name: 'Ada', current: 2, currentSince: '2026-12-01T09:10:00.000Z', done: 1 };
    const archived = ClassStore.read(file);
    try {
      const view = classView(track, archived.room());
      expect(view.learners[0]).toMatchObject(expected);
      expect(view.learners[0]!.cells[2]).toMatchObject({ state: 'fail', failingTask: 3, runs: 1 });
      expect(view.grades).toBe(3);
    } finally {
      archived.close();
    }
    expect(await fs.readFile(file)).toEqual(before);
    const upgraded = ClassStore.open(file);
    try {
      expect(classView(track, upgraded.room()).learners[0]).toMatchObject(expected);
    } finally {
      upgraded.close();
    }
  });

  it('an archived board, read-only in a read-only folder: `export` prints it; starting the board on it says what to do', async () => {
    const archive = path.join(dir, 'board.sqlite');
    const store = ClassStore.open(archive);
    const joined = store.join('Ada', '10.0.0.1', { learners: 5, perAddress: 5 });
    if (!joined.joined) throw new Error(joined.reason);
    await store.record({
      learnerId: joined.learner.id,
      gradeId: 'g-1',
      exercise: 1,
      status: 'pass',
      hints: 0,
      timeSpentMs: 0,
      finishedAt: new Date(T0).toISOString(),
      receivedAt: new Date(T0).toISOString(),
    });
    store.close();
    const before = await fs.readFile(archive);
    await readOnly(dir, archive, async () => {
      const exported = await project.run(['instructor', 'export', '--data', archive, '--format', 'csv']);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toContain('"Ada","passed"');
      const started = await project.run(['instructor', '--data', archive, '--port', '0']);
      expect(started.code).toBe(2);
      expect(started.stderr).toContain(`The class board cannot write its data file ${archive}`);
      expect(started.stderr).toContain('`npm run instructor -- export --data FILE` reads a read-only board without changing it');
      expect(started.stderr).not.toMatch(/\n\s+at /);
    });
    expect(await fs.readFile(archive)).toEqual(before);
  });
});

/**
 * Makes the folder and the file read-only for the duration: the immutable attribute as root (root
 * writes through permission bits), the permission bits otherwise.
 */
async function readOnly(dir: string, file: string, run: () => Promise<void>): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chattr', ['+i', file, dir]);
  else {
    await fs.chmod(file, 0o444);
    await fs.chmod(dir, 0o555);
  }
  try {
    await run();
  } finally {
    if (asRoot) execFileSync('chattr', ['-i', file, dir]);
    else {
      await fs.chmod(dir, 0o755);
      await fs.chmod(file, 0o644);
    }
  }
}
