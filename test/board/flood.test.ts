import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassView } from '../../kit/board/classView.ts';
import { DEFAULT_LIMITS, GRADES_PER_MINUTE } from '../../kit/board/classBoardServer.ts';
import { BoardProcess, floodBoard, joinBoard, joinFrom } from '../../kit/board/roomLoad.ts';
import { loadTrack } from '../../kit/track.ts';

const NICE = 15;
const exercises = loadTrack().exercises.map((exercise) => exercise.number);

/**
 * One holder of the join code scripts a flood: 200 joins from one address, then every identity it
 * got posts as fast as it can. The honest learner's grade is timed in `npm run bench` (a wall-clock
 * figure does not belong in a test on a busy machine); here it must be taken, and the flood cut.
 */
describe('a room, not a flood: the real board with its default limits', () => {
  let dir: string;
  let board: BoardProcess;

  beforeAll(async () => {
    os.setPriority(NICE);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-flood-'));
    board = await BoardProcess.start({ data: path.join(dir, 'board.sqlite'), nice: NICE });
  });
  afterAll(async () => {
    await board?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('200 joins from one address: refused past the cap with a reason; the honest learner, joined from elsewhere, has every grade taken', async () => {
    const honest = await joinBoard(board.address, board.code, 'Holly Honest');
    const flood = await floodBoard(board.address, board.code, honest, exercises, { joins: 200, gradesEach: 80, honestGrades: 3, from: '127.0.0.2' });
    console.log(
      `flood: ${flood.identities.length} identities, ${flood.floodGrades.accepted} grades taken, ${flood.floodGrades.limited} limited, ${flood.floodGrades.cut} cut; honest acknowledged in ${flood.honest.map((answer) => Math.round(answer.ms)).join(', ')} ms`,
    );

    expect(flood.identities).toHaveLength(DEFAULT_LIMITS.perAddress);
    const refused = flood.joins.filter((join) => join.status !== 201);
    expect(refused).toHaveLength(200 - DEFAULT_LIMITS.perAddress);
    expect(refused.every((join) => join.status === 429)).toBe(true);
    expect(new Set(refused.map((join) => join.message?.replace(/\d+ (seconds?|minute)\.$/, 'T.')))).toEqual(
      new Set([
        `${DEFAULT_LIMITS.perAddress} learners have joined from your network address already: the instructor can allow more with \`npm run instructor -- --per-address N\`.`,
        `Too many requests: at most ${2 * DEFAULT_LIMITS.perAddress} a minute. Try again in T.`,
      ]),
    );
    // Each identity is limited on its own, to GRADES_PER_MINUTE; connections past the address's share are closed unread.
    const { accepted, limited, cut, other } = flood.floodGrades;
    expect(other).toEqual([]);
    expect(accepted + limited + cut).toBe(DEFAULT_LIMITS.perAddress * 80);
    expect(accepted).toBeLessThanOrEqual(DEFAULT_LIMITS.perAddress * GRADES_PER_MINUTE);
    expect(accepted).toBeGreaterThan(0);
    expect(flood.honest.map((answer) => answer.status)).toEqual([201, 201, 201]);

    const view = (await (await fetch(`${board.address}/view.json`, { headers: { authorization: `Bearer ${board.token}` } })).json()) as ClassView;
    expect(view.learners).toHaveLength(1 + DEFAULT_LIMITS.perAddress);
    expect(view.learners.find((learner) => learner.name === 'Holly Honest')!.cells[1]!.runs).toBeGreaterThan(0);

    // Another address still joins, until the instructor closes joining.
    expect((await joinFrom(board.address, board.code, 'Ivy', '127.0.0.3')).status).toBe(201);
    const page = await fetch(`${board.address}/joining`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${board.token}` },
      body: JSON.stringify({ open: false }),
    });
    expect(page.status).toBe(200);
    const late = await joinFrom(board.address, board.code, 'Jack', '127.0.0.3');
    expect(late).toEqual({ status: 403, body: { statusCode: 403, message: 'Joining is closed on this board: ask the instructor to open it.' } });
  });
});
