import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassView } from '../../kit/board/classView.ts';
import { outboxSize, readMembership, reportGrade, SEND_TIMEOUT_MS } from '../../kit/board/gradeReport.ts';
import { readResults } from '../../kit/grading/results.ts';
import { BoardProcess } from '../../kit/board/roomLoad.ts';
import { TempProject } from '../workbench/tempProject.ts';

const viewOf = async (board: BoardProcess): Promise<ClassView> =>
  (await fetch(`${board.address}/view.json`, { headers: { authorization: `Bearer ${board.token}` } })).json() as Promise<ClassView>;

/** Polls the board until `check` holds; fails with what the board showed last. */
async function boardShows(board: BoardProcess, check: (view: ClassView) => boolean, timeoutMs = 10_000): Promise<ClassView> {
  const deadline = Date.now() + timeoutMs;
  let view = await viewOf(board);
  while (!check(view)) {
    if (Date.now() > deadline) throw new Error(`The board did not show it within ${timeoutMs} ms:\n${JSON.stringify(view, null, 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await viewOf(board);
  }
  return view;
}

describe('a learner joins the class board with the real CLI, and every grade goes to it', () => {
  let dir: string;
  let project: TempProject;
  let board: BoardProcess;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-join-'));
    board = await BoardProcess.start({ data: path.join(dir, 'board.sqlite') });
    project = await TempProject.create();
  });
  afterAll(async () => {
    await board.stop();
    await project.remove();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a wrong code or an address nobody answers at: a clear message, and nothing joined', async () => {
    const wrong = await project.run(['join', board.address, '--code', 'NOT-THIS', '--name', 'Holly']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("That join code is not this board's");
    const nobody = await project.run(['join', 'http://127.0.0.1:9', '--code', board.code, '--name', 'Holly']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('Cannot reach the class board at http://127.0.0.1:9');
    const missing = await project.run(['join', board.address, '--name', 'Holly']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("needs the board's code and your name");
    expect(await readMembership(project.stateDir)).toBeUndefined();
  });

  it('join once; then each grade (and the hints used) shows on the board', async () => {
    const joined = await project.run(['join', board.address, '--code', board.code, '--name', 'Holly']);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toContain(`Joined the class board at ${board.address} as Holly.`);
    expect((await fs.stat(path.join(project.stateDir, 'board.json'))).mode & 0o777).toBe(0o600);
    await boardShows(board, (view) => view.learners.some((learner) => learner.name === 'Holly'));

    expect((await project.run(['hint', '1'])).code).toBe(0);
    const graded = await project.run(['exercise', '1']);
    expect(graded.code, graded.stderr).toBe(1);
    const view = await boardShows(board, (view) => view.learners[0]?.cells[1]?.state === 'fail');
    expect(view.learners[0]!.cells[1]).toMatchObject({ state: 'fail', failingTask: 1, failingTitle: 'Create the orders bus', hints: 1, runs: 1 });
    expect(view.learners[0]!.cells[1]!.message).toContain('Expected');
  });

  it('with the board down or hanging, sending costs at most 1.5 s; the results wait in the outbox and go with the next grade', async () => {
    // What the kit reports after each grade: the learner's own results.json and progress, as the last real grade left them.
    const results = await readResults(project.stateDir, { number: 1, slug: 'orders-bus' });
    const entry = JSON.parse(await project.read('.northpole', 'progress.json')).exercises['1'];
    expect(results?.status).toBe('fail');
    const { port, code, token } = board;
    await board.stop();
    await reportGrade(project.stateDir, results!, entry);
    expect(await outboxSize(project.stateDir)).toBe(1);

    // A board that takes the connection and never answers costs at most the send timeout.
    const held: net.Socket[] = [];
    const hanging = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => hanging.listen(port, '127.0.0.1', resolve));
    try {
      // The send gives up on its own timeout: a hang would never end, so a bound ten times that proves it without racing a busy machine.
      const started = performance.now();
      await reportGrade(project.stateDir, results!, entry);
      expect(performance.now() - started).toBeLessThan(SEND_TIMEOUT_MS * 10);
      expect(held.length).toBeGreaterThan(0);
      expect(await outboxSize(project.stateDir)).toBe(2);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => hanging.close(resolve));
    }

    board = await BoardProcess.start({ data: path.join(dir, 'board.sqlite'), port, code, token });
    const status = await project.run(['join']);
    expect(status.stdout).toContain(`On the class board at ${board.address} as Holly. Sent 2 waiting result(s).`);
    expect(await outboxSize(project.stateDir)).toBe(0);
    const view = await boardShows(board, (view) => view.grades === 3);
    expect(view.learners).toHaveLength(1);
    expect(view.learners[0]!.cells[1]!.runs).toBe(3);
  });

  it('joining again from the same copy keeps one row; a board restarted with a new code tells the learner to join again, and what waited goes then', async () => {
    const again = await project.run(['join', board.address, '--code', board.code, '--name', 'Holly']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Joined the class board at ${board.address} again as Holly: the same row as before.`);
    expect((await viewOf(board)).learners.map((learner) => learner.name)).toEqual(['Holly']);

    const { port, token } = board;
    await board.stop();
    board = await BoardProcess.start({ data: path.join(dir, 'board.sqlite'), port, code: 'NEW-CODE-2', token });
    const results = (await readResults(project.stateDir, { number: 1, slug: 'orders-bus' }))!;
    const told: string[] = [];
    await reportGrade(project.stateDir, results, undefined, (line) => told.push(line));
    expect(told).toEqual([
      `The class board at ${board.address} no longer takes your grades: That join code is not this board's: the board may have been started with a new code. Join again with \`npm run join\`. They wait on this machine until you join again: npm run join -- ${board.address} --code <the code the board shows> --name "Holly"`,
    ]);
    const status = await project.run(['join']);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('no longer takes your grades');
    expect(await outboxSize(project.stateDir)).toBe(1);

    const rejoined = await project.run(['join', board.address, '--code', 'new-code-2', '--name', 'Holly']);
    expect(rejoined.code, rejoined.stderr).toBe(0);
    expect(rejoined.stdout).toContain('again as Holly: the same row as before, and 1 waiting result(s) sent.');
    const view = await boardShows(board, (view) => view.grades === 4);
    expect(view.learners).toHaveLength(1);
  });

  it('a grade that cannot reach LocalStack (exit 2) goes to the board as setup trouble, not as a failed task', async () => {
    const broken = await project.run(['exercise', '2'], { NORTHPOLE_ENDPOINT: 'http://127.0.0.1:9' });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('Nothing answers at http://127.0.0.1:9');
    const view = await boardShows(board, (view) => view.learners[0]?.cells[2]?.state === 'error');
    expect(view.learners[0]!.cells[2]).toMatchObject({ state: 'error', problemKind: 'localstack', runs: 1 });
    expect(view.learners[0]!.cells[2]!.message).toMatch(/^Nothing answers at http:\/\/127\.0\.0\.1:9: /);
    expect(view.setupTrouble.map((trouble) => [trouble.name, trouble.exercise, trouble.kind])).toEqual([['Holly', 2, 'localstack']]);
  });

  it('--leave stops it: later grades stay on the machine', async () => {
    const left = await project.run(['join', '--leave']);
    expect(left.stdout).toContain(`Left the class board at ${board.address}`);
    expect(await readMembership(project.stateDir)).toBeUndefined();
    await reportGrade(project.stateDir, (await readResults(project.stateDir, { number: 1, slug: 'orders-bus' }))!, undefined);
    expect(await outboxSize(project.stateDir)).toBe(0);
    expect((await viewOf(board)).grades).toBe(5);
    expect((await project.run(['join'])).stdout).toContain('Not on a class board.');
  });
});
