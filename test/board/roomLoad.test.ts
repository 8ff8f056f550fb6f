import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassStore } from '../../kit/board/classStore.ts';
import { BoardProcess, joinBoard, loadRoom, percentile, type JoinedLearner } from '../../kit/board/roomLoad.ts';
import { loadTrack } from '../../kit/track.ts';

const LEARNERS = 100;
const NICE = 15;
const GRADES_EACH = 8;
const exercises = loadTrack().exercises.map((exercise) => exercise.number);

const storedGradeIds = (data: string) => {
  const store = ClassStore.open(data);
  try {
    return store.grades().map((grade) => grade.gradeId);
  } finally {
    store.close();
  }
};

describe('a whole room at once, against the real board on loopback', () => {
  let dir: string;
  let board: BoardProcess | undefined;

  beforeAll(async () => {
    // The load takes both cores for seconds: at low priority, so LocalStack and the tests beside it keep theirs.
    os.setPriority(NICE);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-room-'));
  });
  afterAll(async () => {
    await board?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it(`${LEARNERS} learners × ${GRADES_EACH} grades posted at once: every one recorded, once`, async () => {
    const data = path.join(dir, 'room.sqlite');
    board = await BoardProcess.start({ data, nice: NICE, maxLearners: LEARNERS, perAddress: 2 * LEARNERS });
    const learners = await Promise.all(Array.from({ length: LEARNERS }, (_, i) => joinBoard(board!.address, board!.code, `Elf ${i + 1}`)));
    const load = await loadRoom(board.address, board.code, learners, exercises, GRADES_EACH);
    console.log(
      `${load.sent} grades in ${Math.round(load.wallMs)} ms: ${Math.round(load.sent / (load.wallMs / 1000))} grades/s, p50 ${Math.round(percentile(load.latenciesMs, 50))} ms, p95 ${Math.round(percentile(load.latenciesMs, 95))} ms`,
    );
    expect(load.failures).toEqual([]);
    expect(load.acknowledged.size).toBe(LEARNERS * GRADES_EACH);

    const view = await (await fetch(`${board.address}/view.json`, { headers: { authorization: `Bearer ${board.token}` } })).json();
    expect(view.grades).toBe(LEARNERS * GRADES_EACH);
    expect(view.learners).toHaveLength(LEARNERS);
    await board.stop();
    board = undefined;
    const stored = storedGradeIds(data);
    expect(stored).toHaveLength(LEARNERS * GRADES_EACH);
    expect(new Set(stored)).toEqual(load.acknowledged);
  });

  it('a crash in the middle of the load keeps every acknowledged grade; the rest, sent again, are counted once', async () => {
    const data = path.join(dir, 'crash.sqlite');
    board = await BoardProcess.start({ data, nice: NICE, maxLearners: LEARNERS, perAddress: 2 * LEARNERS });
    const { port, code, token } = board;
    const learners: JoinedLearner[] = await Promise.all(Array.from({ length: LEARNERS }, (_, i) => joinBoard(board!.address, code, `Elf ${i + 1}`)));
    let killed: Promise<unknown> | undefined;
    const load = await loadRoom(board.address, code, learners, exercises, GRADES_EACH, (count) => {
      // The board dies (kill -9) once a quarter of the room's grades are in.
      if (count === (LEARNERS * GRADES_EACH) / 4) killed = board!.stop('SIGKILL');
    });
    await killed;
    expect(load.acknowledged.size).toBeGreaterThanOrEqual((LEARNERS * GRADES_EACH) / 4);
    expect(load.acknowledged.size).toBeLessThan(LEARNERS * GRADES_EACH);

    board = await BoardProcess.start({ data, port, code, token, nice: NICE, maxLearners: LEARNERS, perAddress: 2 * LEARNERS });
    const afterRestart = new Set(storedGradeIds(data));
    for (const gradeId of load.acknowledged) expect(afterRestart.has(gradeId), `acknowledged grade ${gradeId} lost`).toBe(true);

    // What each learner's outbox does: send again whatever was not acknowledged (and some that were).
    const again = load.grades.filter(({ body }) => !load.acknowledged.has(body.gradeId) || body.gradeId < '4');
    const answers = await Promise.all(
      again.map(({ learner, body }) =>
        fetch(`${board!.address}/grades`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${learner.learnerId}.${learner.secret}` },
          body: JSON.stringify(body),
        }).then((response) => response.status),
      ),
    );
    expect(answers.every((status) => status === 201 || status === 200)).toBe(true);
    await board.stop();
    board = undefined;
    const stored = storedGradeIds(data);
    expect(stored).toHaveLength(LEARNERS * GRADES_EACH);
    expect(new Set(stored).size).toBe(LEARNERS * GRADES_EACH);
  });
});
