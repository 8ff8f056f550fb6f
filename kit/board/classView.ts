import type { Track } from '../track.ts';
import type { Learner, StoredGrade } from './classStore.ts';

export type CellState = 'pass' | 'fail' | 'error' | 'none';

export interface Cell {
  state: CellState;
  /** The failing task of the last grade, its title from the track (never from the learner). */
  failingTask?: number;
  failingTitle?: string;
  /** The failure message the learner's kit sent: plain text, shown escaped. */
  message?: string;
  hints: number;
  runs: number;
}

export interface LearnerRow {
  name: string;
  cells: Record<number, Cell>;
  /** The first step of the track not passed yet; none when every step passes. */
  current?: number;
  /** Since when (the board's clock) the learner has been on `current`. */
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
  /** The task most learners' last grade of a step fails at. */
  mostFailing?: { exercise: number; task: number; title: string; learners: number };
  grades: number;
}

/** Where the room is, from every learner and every grade they sent: what the board page and the exports show. */
export function classView(track: Track, learners: Learner[], grades: StoredGrade[], now = new Date()): ClassView {
  const byLearner = new Map<string, StoredGrade[]>(learners.map((learner) => [learner.id, []]));
  for (const grade of grades) byLearner.get(grade.learnerId)?.push(grade);
  const titleOf = (exercise: number, task: number) => track.exercises.find((e) => e.number === exercise)?.tasks.find((t) => t.id === task)?.title;

  const rows = learners.map((learner): LearnerRow => {
    const mine = byLearner.get(learner.id) ?? [];
    const cells: Record<number, Cell> = {};
    const firstPass = new Map<number, string>();
    const firstGrade = new Map<number, string>();
    for (const exercise of track.exercises) {
      const steps = mine.filter((grade) => grade.exercise === exercise.number);
      const last = steps.at(-1);
      const passed = steps.find((grade) => grade.status === 'pass');
      if (passed) firstPass.set(exercise.number, passed.receivedAt);
      if (steps[0]) firstGrade.set(exercise.number, steps[0].receivedAt);
      // A pass stays a pass, as in the learner's own progress: a later experiment that fails does not take it back.
      const shown = passed ?? last;
      cells[exercise.number] = {
        state: shown ? shown.status : 'none',
        failingTask: passed ? undefined : last?.failingTask,
        failingTitle: passed || last?.failingTask === undefined ? undefined : titleOf(exercise.number, last.failingTask),
        message: passed ? undefined : last?.message,
        hints: last?.hints ?? 0,
        runs: steps.length,
      };
    }
    const currentIndex = track.exercises.findIndex((exercise) => !firstPass.has(exercise.number));
    const current = track.exercises[currentIndex]?.number;
    const previous = track.exercises[currentIndex - 1]?.number;
    const currentSince = current === undefined ? undefined : (firstGrade.get(current) ?? (previous !== undefined ? firstPass.get(previous) : undefined) ?? learner.joinedAt);
    const cellList = Object.values(cells);
    return {
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
    mostFailing: top && { ...top, title: titleOf(top.exercise, top.task) ?? `Task ${top.task}` },
    grades: grades.length,
  };
}
