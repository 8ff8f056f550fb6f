import type { Track } from '../track.ts';
import type { RoomChange, RoomRecord, StepSummary } from './classStore.ts';

export type CellState = 'pass' | 'fail' | 'error' | 'none';

export interface Cell {
  state: CellState;
  /** The failing task of the last grade, its title from the track (never from the learner). */
  failingTask?: number;
  failingTitle?: string;
  /** The failure message the learner's kit sent: plain text, shown escaped. */
  message?: string;
  /** A grade that could not run (exit 2): what broke on the learner's machine. */
  problemKind?: string;
  hints: number;
  runs: number;
}

export interface LearnerRow {
  id: string;
  name: string;
  cells: Record<number, Cell>;
  /** The first step of the track not passed yet; none when every step passes. */
  current?: number;
  /**
   * Since when (the board's clock) the learner has been on `current`: their latest first pass of a
   * step before it, or when they joined if that is later (or they have passed none). Grading the
   * step does not move it; only passing a step does.
   */
  currentSince?: string;
  hints: number;
  done: number;
}

export interface ClassView {
  generatedAt: string;
  exercises: { number: number; title: string; finished: number }[];
  learners: LearnerRow[];
  /** Unfinished learners, the longest on their current step first. */
  stuck: { name: string; exercise: number; since: string; failingTitle?: string }[];
  /** Learners whose last grade could not run (exit 2): their machine needs help, not their code. */
  setupTrouble: { name: string; exercise: number; kind: string; message?: string; at: string }[];
  /** The task most learners' last grade of a step fails at. */
  mostFailing?: { exercise: number; task: number; title: string; learners: number };
  /** Grades received, all learners on the board. */
  grades: number;
  /** The instructor's removals and merges. */
  changes: RoomChange[];
}

const later = (a: string | undefined, b: string) => (a !== undefined && Date.parse(a) > Date.parse(b) ? a : b);

/** Where the room is, from the board's summary of every learner's steps: what the board page and the exports show. */
export function classView(track: Track, room: RoomRecord, now = new Date()): ClassView {
  const byLearner = new Map<string, Map<number, StepSummary>>(room.learners.map((learner) => [learner.id, new Map()]));
  for (const step of room.steps) byLearner.get(step.learnerId)?.set(step.exercise, step);
  const titleOf = (exercise: number, task: number) => track.exercises.find((e) => e.number === exercise)?.tasks.find((t) => t.id === task)?.title;

  const setupTrouble: ClassView['setupTrouble'] = [];
  const rows = room.learners.map((learner): LearnerRow => {
    const mine = byLearner.get(learner.id)!;
    const cells: Record<number, Cell> = {};
    for (const exercise of track.exercises) {
      const step = mine.get(exercise.number);
      const last = step?.last;
      // A pass stays a pass, as in the learner's own progress: a later experiment that fails does not take it back.
      const passed = step?.firstPassedAt !== undefined;
      cells[exercise.number] = {
        state: passed ? 'pass' : (last?.status ?? 'none'),
        failingTask: passed ? undefined : last?.failingTask,
        failingTitle: passed || last?.failingTask === undefined ? undefined : titleOf(exercise.number, last.failingTask),
        message: passed ? undefined : last?.message,
        problemKind: passed || last?.status !== 'error' ? undefined : (last.problemKind ?? 'setup'),
        hints: last?.hints ?? 0,
        runs: step?.runs ?? 0,
      };
    }
    const currentIndex = track.exercises.findIndex((exercise) => mine.get(exercise.number)?.firstPassedAt === undefined);
    const current = track.exercises[currentIndex]?.number;
    const currentSince =
      current === undefined
        ? undefined
        : track.exercises.slice(0, currentIndex).reduce((since, exercise) => later(mine.get(exercise.number)?.firstPassedAt, since), learner.joinedAt);

    const newest = [...mine.values()].sort((a, b) => b.last.seq - a.last.seq)[0];
    if (newest?.last.status === 'error') {
      setupTrouble.push({
        name: learner.name,
        exercise: newest.exercise,
        kind: newest.last.problemKind ?? 'setup',
        message: newest.last.message,
        at: newest.last.receivedAt,
      });
    }
    const cellList = Object.values(cells);
    return {
      id: learner.id,
      name: learner.name,
      cells,
      current,
      currentSince,
      hints: cellList.reduce((sum, cell) => sum + cell.hints, 0),
      done: cellList.filter((cell) => cell.state === 'pass').length,
    };
  });

  const failing = new Map<string, { exercise: number; task: number; learners: number }>();
  for (const row of rows) {
    for (const [exercise, cell] of Object.entries(row.cells)) {
      if (cell.state !== 'fail' || cell.failingTask === undefined) continue;
      const key = `${exercise}.${cell.failingTask}`;
      const entry = failing.get(key) ?? { exercise: Number(exercise), task: cell.failingTask, learners: 0 };
      entry.learners += 1;
      failing.set(key, entry);
    }
  }
  const top = [...failing.values()].sort((a, b) => b.learners - a.learners || a.exercise - b.exercise || a.task - b.task)[0];

  return {
    generatedAt: now.toISOString(),
    exercises: track.exercises.map((exercise) => ({
      number: exercise.number,
      title: exercise.title,
      finished: rows.filter((row) => row.cells[exercise.number]?.state === 'pass').length,
    })),
    learners: rows,
    stuck: rows
      .filter((row) => row.current !== undefined && row.currentSince !== undefined)
      .sort((a, b) => Date.parse(a.currentSince!) - Date.parse(b.currentSince!))
      .slice(0, 5)
      .map((row) => ({ name: row.name, exercise: row.current!, since: row.currentSince!, failingTitle: row.cells[row.current!]?.failingTitle })),
    setupTrouble: setupTrouble.sort((a, b) => Date.parse(b.at) - Date.parse(a.at)),
    mostFailing: top && { ...top, title: titleOf(top.exercise, top.task) ?? `Task ${top.task}` },
    grades: room.steps.reduce((sum, step) => sum + step.runs, 0),
    changes: room.changes,
  };
}

/** Whole minutes on the current step at `now`, as the board and the exports show them. */
export function minutesOnStep(row: LearnerRow, now: Date): number | undefined {
  return row.currentSince === undefined ? undefined : Math.max(0, Math.floor((now.getTime() - Date.parse(row.currentSince)) / 60_000));
}
