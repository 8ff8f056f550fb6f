import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

export interface Task {
  id: number;
  title: string;
  /** Progressive hints, the gentlest first. */
  hints: string[];
}

export interface Exercise {
  number: number;
  slug: string;
  title: string;
  /** The file in the exercise folder the learner edits (its twins: starters/ as shipped, solutions/). */
  file: string;
  /** Other files in the exercise folder the learner edits beside `file` (e.g. an ASL definition); reset, solution and verify treat them as they treat `file`. */
  assets?: string[];
  /** Earlier exercises whose reference solutions the kit deploys first. */
  buildsOn: number[];
  /**
   * Earlier exercises whose pieces this one redeploys in their final shape (e.g. 6 hardens the
   * fulfilment machine of 4): where the whole system is deployed, this step stands in for them,
   * its contract for theirs, and they are not deployed beside it.
   */
  replaces?: number[];
  /**
   * Its grade needs LocalStack on the grading machine itself, outside a container: a service of the
   * kit's listens on that machine's loopback (exercise 9's order tracker). The classroom workflow,
   * whose LocalStack is a service container, leaves such a step out.
   */
  hostOnly?: boolean;
  /** One line shown on a pass. */
  learned: string;
  concepts: string[];
  tasks: Task[];
}

export interface Track {
  formatVersion: number;
  welcome: string;
  final: string;
  exercises: Exercise[];
}

/** exercises/track.json is the one list of exercises: the CLI, the graders and the docs read it. */
export const TRACK_FILE = path.join(PROJECT_ROOT, 'exercises', 'track.json');

let cached: Track | undefined;

export function loadTrack(): Track {
  cached ??= JSON.parse(readFileSync(TRACK_FILE, 'utf8')) as Track;
  return cached;
}

export function exerciseDir(exercise: Pick<Exercise, 'number' | 'slug'>): string {
  return `${String(exercise.number).padStart(2, '0')}-${exercise.slug}`;
}

export function findExercise(number: number, track: Track = loadTrack()): Exercise {
  const exercise = track.exercises.find((candidate) => candidate.number === number);
  if (!exercise) {
    throw new RangeError(`There is no exercise ${number}; the track has ${track.exercises.map((e) => e.number).join(', ')}.`);
  }
  return exercise;
}

export interface ExercisePaths {
  /** The learner's file in exercises/: theirs to edit, and what `npm run exercise` grades. */
  working: string;
  /** The same file as the kit ships it, in starters/: what reset restores and verify proves fails. */
  starter: string;
  solution: string;
  instructions: string;
  grader: string;
}

/**
 * The learner's copy of an exercise folder lives in exercises/, the pristine one in starters/ and the
 * reference in solutions/, each with the same relative imports. starters/ is what the kit shipped
 * whatever the learner has edited or committed since (see docs/architecture.md).
 */
export function exercisePaths(exercise: Exercise, root = PROJECT_ROOT): ExercisePaths {
  const dir = exerciseDir(exercise);
  return {
    working: path.join(root, 'exercises', dir, exercise.file),
    starter: path.join(root, 'starters', dir, exercise.file),
    solution: path.join(root, 'solutions', dir, exercise.file),
    instructions: path.join(root, 'exercises', dir, 'README.md'),
    grader: path.join(PROJECT_ROOT, 'graders', `${dir}.grader.ts`),
  };
}

export interface ExerciseFile {
  /** The name inside the exercise folder, e.g. ordersBus.ts or an asset such as fulfilment.asl.json. */
  name: string;
  working: string;
  starter: string;
  solution: string;
}

/** The exercise's file and its assets, each in its three places: reset, verify and solution treat them alike. */
export function exerciseFiles(exercise: Exercise, root = PROJECT_ROOT): ExerciseFile[] {
  const dir = exerciseDir(exercise);
  return [exercise.file, ...(exercise.assets ?? [])].map((name) => ({
    name,
    working: path.join(root, 'exercises', dir, name),
    starter: path.join(root, 'starters', dir, name),
    solution: path.join(root, 'solutions', dir, name),
  }));
}

/** The earlier steps `exercise` stands in for: those it replaces, and those they replaced in turn. */
export function standsInFor(exercise: Exercise, track: Track = loadTrack()): number[] {
  return (exercise.replaces ?? []).flatMap((replaced) => [replaced, ...standsInFor(findExercise(replaced, track), track)]);
}

/**
 * The steps before `number` that make up the system, each in its final version: every step that no
 * later step before `number` replaces, in the order their builds-on allow (a step after the steps it
 * builds on, or after what replaces them).
 */
export function finalSteps(number: number, track: Track = loadTrack()): Exercise[] {
  const before = track.exercises.filter((exercise) => exercise.number < number);
  const replacedBy = new Map<number, number>();
  for (const exercise of before) for (const replaced of exercise.replaces ?? []) replacedBy.set(replaced, exercise.number);
  const finalVersionOf = (step: number): number => (replacedBy.has(step) ? finalVersionOf(replacedBy.get(step)!) : step);
  const ordered: Exercise[] = [];
  const visit = (exercise: Exercise, path: number[]) => {
    if (ordered.includes(exercise)) return;
    if (path.includes(exercise.number)) throw new Error(`track.json: exercises ${[...path, exercise.number].join(' → ')} build on each other in a circle`);
    for (const earlier of exercise.buildsOn) {
      const step = finalVersionOf(earlier);
      if (step !== exercise.number) visit(findExercise(step, track), [...path, exercise.number]);
    }
    ordered.push(exercise);
  };
  for (const exercise of before) if (!replacedBy.has(exercise.number)) visit(exercise, []);
  return ordered;
}
