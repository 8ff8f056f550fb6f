import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTrack } from '../track.ts';
import { ClassStore } from './classStore.ts';
import { BoardProcess, floodBoard, joinBoard, loadRoom, percentile } from './roomLoad.ts';

/**
 * The class board under a whole room at once: a real board process on loopback, 100 learners
 * joining, then each posting 8 grades at the same moment; then a flood from one holder of the join
 * code against the default limits, with an honest learner's grades timed. Needs no LocalStack.
 */
export async function benchClassBoard(report: (label: string, value: string) => void, learners = 100, gradesEach = 8): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-board-bench-'));
  const data = path.join(dir, 'board.sqlite');
  // A hundred machines, all on loopback: one address, so its share is raised as an instructor would for a room behind one address.
  const board = await BoardProcess.start({ data, maxLearners: learners, perAddress: 2 * learners });
  try {
    const exercises = loadTrack().exercises.map((exercise) => exercise.number);
    const room = await Promise.all(Array.from({ length: learners }, (_, i) => joinBoard(board.address, board.code, `Elf ${i + 1}`)));
    const load = await loadRoom(board.address, board.code, room, exercises, gradesEach);
    await board.stop();
    const store = ClassStore.open(data);
    const stored = store.grades().length;
    store.close();
    report(
      `class board: ${learners} learners × ${gradesEach} grades at once, recorded`,
      `${stored} of ${load.sent}${load.failures.length ? ` (${load.failures.length} failed: ${load.failures[0]})` : ''}`,
    );
    report('class board: throughput', `${Math.round(load.sent / (load.wallMs / 1000))} grades/s (${(load.wallMs / 1000).toFixed(2)} s for all)`);
    report(
      'class board: latency of one grade, p50 / p95',
      `${Math.round(percentile(load.latenciesMs, 50))} ms / ${Math.round(percentile(load.latenciesMs, 95))} ms`,
    );
  } finally {
    await board.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
  await benchFlood(report);
}

/**
 * 200 joins from one address, then every identity the board let in posting 80 grades at once, while
 * an honest learner sends 10 grades one after another: the learner's kit waits 1.5 s for each.
 */
async function benchFlood(report: (label: string, value: string) => void): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-board-flood-'));
  const board = await BoardProcess.start({ data: path.join(dir, 'board.sqlite') });
  try {
    const exercises = loadTrack().exercises.map((exercise) => exercise.number);
    const honest = await joinBoard(board.address, board.code, 'Holly Honest');
    const flood = await floodBoard(board.address, board.code, honest, exercises, { joins: 200, gradesEach: 80, honestGrades: 10 });
    const times = flood.honest.map((answer) => answer.ms);
    report('class board flood: 200 joins from one address, let in', `${flood.identities.length} (${flood.joins.length - flood.identities.length} refused)`);
    report(
      'class board flood: their grades taken / refused (429) / cut',
      `${flood.floodGrades.accepted} / ${flood.floodGrades.limited} / ${flood.floodGrades.cut}${flood.floodGrades.other.length ? `, ${flood.floodGrades.other.length} other: ${flood.floodGrades.other[0]}` : ''}`,
    );
    report(
      'class board flood: an honest grade acknowledged, first / max',
      `${Math.round(times[0]!)} ms / ${Math.round(Math.max(...times))} ms (${flood.honest.filter((answer) => answer.status === 201).length} of ${times.length} taken, ${times.filter((ms) => ms < 1500).length} within 1.5 s)`,
    );
  } finally {
    await board.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
