import type { ResultsJson } from '../grading/results.ts';
import type { Exercise, Task } from '../track.ts';
import type { ExerciseProgress } from './progress.ts';

export type HintChoice =
  /** `index` counts from 0 among the task's hints. */
  | { kind: 'hint'; task: Task; index: number }
  /** The task the learner is stuck on has shown all its hints. */
  | { kind: 'exhausted'; task: Task }
  /** No task has a hint left. */
  | { kind: 'none' }
  /** The step passes and no grade since has failed: nothing to hint at, and nothing counted. */
  | { kind: 'passed' };

/**
 * The next hint: for the first failing task of the last grade when there is one (that is where the
 * learner is stuck), none for a step that passes, otherwise task by task in order.
 */
export function chooseHint(exercise: Exercise, entry: ExerciseProgress | undefined, results: ResultsJson | undefined): HintChoice {
  const given = (task: Task) => entry?.hints[task.id] ?? 0;
  const failing = results?.status === 'fail' ? results.tests.find((test) => test.status === 'fail') : undefined;
  const stuckOn = exercise.tasks.find((task) => task.id === failing?.task_id);
  if (stuckOn) return given(stuckOn) < stuckOn.hints.length ? { kind: 'hint', task: stuckOn, index: given(stuckOn) } : { kind: 'exhausted', task: stuckOn };
  if (entry?.status === 'done' || results?.status === 'pass') return { kind: 'passed' };
  const next = exercise.tasks.find((task) => given(task) < task.hints.length);
  return next ? { kind: 'hint', task: next, index: given(next) } : { kind: 'none' };
}

/** The hints shown so far, task by task, in track order. */
export function hintsShown(exercise: Exercise, entry: ExerciseProgress | undefined): { task: Task; hints: string[] }[] {
  return exercise.tasks.map((task) => ({ task, hints: task.hints.slice(0, entry?.hints[task.id] ?? 0) })).filter((shown) => shown.hints.length > 0);
}
