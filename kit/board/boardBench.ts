import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTrack } from '../track.ts';
import { ClassStore } from './classStore.ts';
import { BoardProcess, joinBoard, loadRoom, percentile } from './roomLoad.ts';

/**
 * The class board under a whole room at once: a real board process on loopback, 100 learners
 * joining, then each posting 8 grades at the same moment. Needs no LocalStack.
 */
export async function benchClassBoard(report: (label: string, value: string) => void, learners = 100, gradesEach = 8): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-board-bench-'));
  const data = path.join(dir, 'board.sqlite');
  const board = await BoardProcess.start({ data, maxLearners: learners, perAddress: learners });
  try {
    const exercises = loadTrack().exercises.map((exercise) => exercise.number);
    const room = await Promise.all(Array.from({ length: learners }, (_, i) => joinBoard(board.address, board.code, `Elf ${i + 1}`)));
    const load = await loadRoom(board.address, board.code, room, exercises, gradesEach);
    await board.stop();
    const store = ClassStore.open(data);
    const stored = store.grades().length;
    store.close();
    report(`class board: ${learners} learners × ${gradesEach} grades at once, recorded`, `${stored} of ${load.sent}${load.failures.length ? ` (${load.failures.length} failed: ${load.failures[0]})` : ''}`);
    report('class board: throughput', `${Math.round(load.sent / (load.wallMs / 1000))} grades/s (${(load.wallMs / 1000).toFixed(2)} s for all)`);
    report('class board: latency of one grade, p50 / p95', `${Math.round(percentile(load.latenciesMs, 50))} ms / ${Math.round(percentile(load.latenciesMs, 95))} ms`);
  } finally {
    await board.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
