import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError } from '../environmentError.ts';
import { withFileLock } from '../fileLock.ts';
import { readResults } from '../grading/results.ts';
import type { Exercise, Track } from '../track.ts';

/** `reset`: passed once, then put back to its starter; it counts as unfinished until it passes again. */
export type ExerciseStatus = 'done' | 'reset' | 'in-progress' | 'not-started';

export interface ExerciseProgress {
  slug: string;
  status: ExerciseStatus;
  firstGradedAt?: string;
  lastGradedAt?: string;
  /** The first pass; a later failing run does not take it back. */
  passedAt?: string;
  /** The last grade or hint: time spent grows by the gaps between these. */
  lastActiveAt?: string;
  timeSpentMs: number;
  runs: number;
  /** How many hints of each task (by task id) have been shown. */
  hints: Record<string, number>;
  solutionShownAt?: string;
  /** The last `npm run reset` since the last pass. */
  resetAt?: string;
  /**
   * The last grade whose checks all passed with the reference solutions standing in for the learner's
   * earlier steps (`--reference-steps`): worth showing, never a pass.
   */
  referenceStepsPassedAt?: string;
}

/** The learner's one state file, .northpole/progress.json. */
export interface Progress {
  version: 1;
  updatedAt: string;
  /** By exercise number. */
  exercises: Record<string, ExerciseProgress>;
}

/** A gap between two grades longer than this is a break, not work on the step. */
const IDLE_GAP_MS = 15 * 60_000;

const progressFile = (stateDir: string) => path.join(stateDir, 'progress.json');
/** A second copy of what the kit last wrote: a state file broken by hand is rebuilt from it. */
const backupFile = (stateDir: string) => path.join(stateDir, 'progress.backup.json');

function emptyProgress(): Progress {
  return { version: 1, updatedAt: new Date().toISOString(), exercises: {} };
}

function entryFor(progress: Progress, exercise: Pick<Exercise, 'number' | 'slug'>): ExerciseProgress {
  progress.exercises[exercise.number] ??= { slug: exercise.slug, status: 'not-started', timeSpentMs: 0, runs: 0, hints: {} };
  return progress.exercises[exercise.number]!;
}

export function statusOf(progress: Progress, exercise: Pick<Exercise, 'number'>): ExerciseStatus {
  return progress.exercises[exercise.number]?.status ?? 'not-started';
}

export function nextUnfinished(track: Track, progress: Progress): Exercise | undefined {
  return track.exercises.find((exercise) => statusOf(progress, exercise) !== 'done');
}

export function hintsGiven(entry: ExerciseProgress | undefined): number {
  return Object.values(entry?.hints ?? {}).reduce((sum, count) => sum + count, 0);
}

/** `reference-steps`: every check passed, on the reference solutions of the earlier steps: a run, not a pass. */
export function recordGrade(progress: Progress, exercise: Exercise, verdict: 'pass' | 'fail' | 'reference-steps', at = new Date()): void {
  const entry = entryFor(progress, exercise);
  touch(entry, at);
  entry.runs += 1;
  entry.firstGradedAt ??= at.toISOString();
  entry.lastGradedAt = at.toISOString();
  if (verdict === 'pass') {
    entry.passedAt ??= at.toISOString();
    delete entry.resetAt;
  }
  if (verdict === 'reference-steps') entry.referenceStepsPassedAt = at.toISOString();
  entry.status = derivedStatus(entry);
}

export function recordHint(progress: Progress, exercise: Exercise, taskId: number, at = new Date()): void {
  const entry = entryFor(progress, exercise);
  touch(entry, at);
  entry.hints[taskId] = (entry.hints[taskId] ?? 0) + 1;
  entry.status = derivedStatus(entry);
}

/** The learner's file went back to the starter: a passed step is unfinished again, and says so. */
export function recordReset(progress: Progress, exercise: Exercise, at = new Date()): void {
  const entry = entryFor(progress, exercise);
  entry.resetAt = at.toISOString();
  entry.status = derivedStatus(entry);
}

export function recordSolutionShown(progress: Progress, exercise: Exercise, at = new Date()): void {
  entryFor(progress, exercise).solutionShownAt ??= at.toISOString();
}

/** Time spent is an estimate: the gaps between a step's grades and hints, breaks left out, until it first passes. */
function touch(entry: ExerciseProgress, at: Date): void {
  if (!entry.passedAt && entry.lastActiveAt) {
    const gap = at.getTime() - Date.parse(entry.lastActiveAt);
    if (gap > 0 && gap <= IDLE_GAP_MS) entry.timeSpentMs += gap;
  }
  entry.lastActiveAt = at.toISOString();
}

function derivedStatus(entry: ExerciseProgress): ExerciseStatus {
  if (entry.passedAt) return entry.resetAt ? 'reset' : 'done';
  return entry.runs > 0 || hintsGiven(entry) > 0 ? 'in-progress' : 'not-started';
}

/**
 * Reads the state file. A missing file starts from the results of earlier grades; an unreadable or
 * hand-broken one is set aside and rebuilt from its backup and the results, so a finished step is
 * never lost; `warn` says what happened.
 */
export async function loadProgress(stateDir: string, track: Track, warn: (line: string) => void): Promise<Progress> {
  const file = progressFile(stateDir);
  let text: string | undefined;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new EnvironmentError(
        `Cannot read ${file}`,
        (error as Error).message,
        `Check that the file is yours and readable (${code}), or move it away: the kit rebuilds it from .northpole/results/.`,
      );
    }
  }
  if (text === undefined) return withResults(emptyProgress(), stateDir, track);

  const parsed = parseProgress(text);
  if (typeof parsed !== 'string') return withResults(parsed, stateDir, track);

  const aside = path.join(stateDir, `progress.unreadable-${fileStamp(new Date())}.json`);
  await fs.rename(file, aside);
  const backup = await readIfValid(backupFile(stateDir));
  const rebuilt = await withResults(backup ?? emptyProgress(), stateDir, track);
  await saveProgress(stateDir, rebuilt);
  warn(
    `${path.relative(process.cwd(), file)} was not readable (${parsed}); it is rebuilt from ${backup ? 'its backup and ' : ''}your grading results. ` +
      `The unreadable file is kept as ${path.relative(process.cwd(), aside)}.`,
  );
  return rebuilt;
}

/** Writes the state and its backup, each atomically: a temporary file renamed over the old one. */
export async function saveProgress(stateDir: string, progress: Progress): Promise<void> {
  await fs.mkdir(stateDir, { recursive: true });
  progress.updatedAt = new Date().toISOString();
  const text = `${JSON.stringify(readable(progress), null, 2)}\n`;
  for (const file of [progressFile(stateDir), backupFile(stateDir)]) {
    const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.writeFile(temporary, text);
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }
}

/** Every exercise's keys in one order, however the entry grew, so that the file reads easily. */
const ENTRY_KEYS: (keyof ExerciseProgress)[] = [
  'slug',
  'status',
  'firstGradedAt',
  'lastGradedAt',
  'passedAt',
  'lastActiveAt',
  'timeSpentMs',
  'runs',
  'hints',
  'solutionShownAt',
  'resetAt',
  'referenceStepsPassedAt',
];

function readable(progress: Progress): Progress {
  const inOrder = (entry: ExerciseProgress) =>
    Object.fromEntries(ENTRY_KEYS.filter((key) => entry[key] !== undefined).map((key) => [key, entry[key]])) as unknown as ExerciseProgress;
  return { ...progress, exercises: Object.fromEntries(Object.entries(progress.exercises).map(([number, entry]) => [number, inOrder(entry)])) };
}

let changing: Promise<unknown> = Promise.resolve();

/**
 * Load, change, save: the one way commands update the state. One change at a time within a process
 * (watch mode can record a hint while a grade is being recorded) and across processes (a lock file:
 * several terminals grading at once each count).
 */
export function changeProgress(stateDir: string, track: Track, warn: (line: string) => void, change: (progress: Progress) => void): Promise<Progress> {
  const changed = changing.then(() =>
    withFileLock(`${progressFile(stateDir)}.lock`, async () => {
      const progress = await loadProgress(stateDir, track, warn);
      change(progress);
      await saveProgress(stateDir, progress);
      return progress;
    }),
  );
  changing = changed.catch(() => undefined);
  return changed;
}

/** Every step whose last result is a pass counts as done, whatever the state file says. */
async function withResults(progress: Progress, stateDir: string, track: Track): Promise<Progress> {
  for (const exercise of track.exercises) {
    const results = await readResults(stateDir, exercise);
    // A file that did not load ("error") was still a run of the step.
    if (!results || typeof results.finishedAt !== 'string') continue;
    const entry = entryFor(progress, exercise);
    entry.firstGradedAt ??= results.finishedAt;
    entry.lastGradedAt ??= results.finishedAt;
    if (entry.runs === 0) entry.runs = 1;
    if (results.status === 'pass') entry.passedAt ??= results.finishedAt;
    entry.status = derivedStatus(entry);
  }
  return progress;
}

async function readIfValid(file: string): Promise<Progress | undefined> {
  const parsed = parseProgress(await fs.readFile(file, 'utf8').catch(() => ''));
  return typeof parsed === 'string' ? undefined : parsed;
}

/** The state, or why it is not one. Checked by hand: the file is small and its shape is ours. */
function parseProgress(text: string): Progress | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (!isObject(value)) return 'not a JSON object';
  if (value.version !== 1) return `version ${JSON.stringify(value.version)} instead of 1`;
  if (typeof value.updatedAt !== 'string') return 'no updatedAt';
  if (!isObject(value.exercises)) return '"exercises" is not an object';
  for (const [number, entry] of Object.entries(value.exercises)) {
    const problem = entryProblem(entry);
    if (!/^\d+$/.test(number)) return `"${number}" is not an exercise number`;
    if (problem) return `exercise ${number}: ${problem}`;
  }
  return value as unknown as Progress;
}

function entryProblem(entry: unknown): string | undefined {
  if (!isObject(entry)) return 'not an object';
  if (typeof entry.slug !== 'string') return 'no slug';
  if (!['done', 'reset', 'in-progress', 'not-started'].includes(entry.status as string)) return `status ${JSON.stringify(entry.status)}`;
  if (!isCount(entry.runs)) return '"runs" is not a count';
  if (typeof entry.timeSpentMs !== 'number' || !(entry.timeSpentMs >= 0)) return '"timeSpentMs" is not a duration';
  if (!isObject(entry.hints) || !Object.values(entry.hints).every(isCount)) return '"hints" is not a count per task';
  for (const key of ['firstGradedAt', 'lastGradedAt', 'passedAt', 'lastActiveAt', 'solutionShownAt', 'resetAt', 'referenceStepsPassedAt']) {
    const time = entry[key];
    if (time !== undefined && (typeof time !== 'string' || Number.isNaN(Date.parse(time)))) return `"${key}" is not a time`;
  }
  if ((entry.status === 'done' || entry.status === 'reset') && entry.passedAt === undefined) return `${entry.status} without passedAt`;
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;

/** A timestamp usable in a file name on every system (no colons). */
export function fileStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replaceAll(':', '-');
}
