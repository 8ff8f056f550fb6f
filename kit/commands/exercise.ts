import { existsSync } from 'node:fs';
import path from 'node:path';
import { reportEnvironmentFailure, reportGrade } from '../board/gradeReport.ts';
import { EnvironmentError } from '../environmentError.ts';
import { ExitCode } from '../exitCode.ts';
import { gradeExercise, gradeTarget, type GradeResult, type GradeTarget } from '../grading/gradeExercise.ts';
import { formatGrade, formatPlan } from '../grading/report.ts';
import { startWork, warn } from '../terminal.ts';
import { errorResultsJson, toResultsJson, writeResults, type ResultsJson } from '../grading/results.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import { changeProgress, loadProgress, nextUnfinished, recordGrade, statusOf } from '../progress/progress.ts';
import { exercisePaths, findExercise, loadTrack, type Track } from '../track.ts';
import { shownPath, STATE_DIR } from '../paths.ts';

export interface ExerciseOptions {
  solution?: boolean;
  file?: string;
  json?: boolean;
  /** Deploy the reference solutions of earlier steps where the whole system is deployed. */
  referenceSteps?: boolean;
}

export async function exerciseCommand(number: number | undefined, options: ExerciseOptions): Promise<number> {
  const track = loadTrack();
  const exercise = number === undefined ? nextUnfinished(track, await loadProgress(STATE_DIR, track, warn)) : findExercise(number, track);
  if (!exercise) {
    console.log(track.final);
    return ExitCode.Pass;
  }
  // npm runs scripts from the project folder; INIT_CWD is where the learner typed the command.
  const file = options.file
    ? path.resolve(process.env.INIT_CWD ?? process.cwd(), options.file)
    : options.solution
      ? exercisePaths(exercise).solution
      : undefined;
  const target = gradeTarget(exercise, file);
  if (!options.json && existsSync(target.file)) console.log(formatPlan(exercise, track, shownPath(target.file)));

  // The verdict is printed as soon as it is known, before anything is written: a state folder that
  // refuses writes then costs the learner a warning, not the verdict.
  const show = (verdict: Graded & { kind: 'graded' }) =>
    console.log(options.json ? JSON.stringify(verdict.results, null, 2) : formatGrade(verdict.result, track));
  let graded: Graded;
  try {
    graded = await gradeStep(target, track, { earlierSteps: options.referenceSteps ? 'reference' : undefined, show });
  } catch (error) {
    // Scripts reading --json get a verdict they can parse even when LocalStack is missing.
    if (options.json && error instanceof EnvironmentError) console.log(JSON.stringify(errorResultsJson(exercise, `${error.what}: ${error.message}`), null, 2));
    throw error;
  }
  if (graded.kind === 'missing') {
    console.log(options.json ? JSON.stringify(errorResultsJson(exercise, graded.message), null, 2) : graded.message);
    return ExitCode.Fail;
  }
  // The results' status, not the checks': a pass on the reference steps is not the learner's.
  return graded.results.status === 'pass' ? ExitCode.Pass : ExitCode.Fail;
}

export type Graded = { kind: 'graded'; result: GradeResult; results: ResultsJson } | { kind: 'missing'; message: string };

export interface StepOptions {
  earlierSteps?: 'yours' | 'reference';
  /** Gets the verdict as soon as it is known, before anything is written. */
  show?: (graded: Graded & { kind: 'graded' }) => void;
  /** Cancels the grade (watch mode, on a new save). */
  signal?: AbortSignal;
}

/**
 * One grade of a step, the slow parts behind a spinner. Only the learner's own file counts: its
 * verdict is written to .northpole/results/ and recorded in the progress file; grading the
 * reference solution or another file is not the learner's progress. `show` gets the verdict
 * before anything is written.
 */
export async function gradeStep(target: GradeTarget, track: Track, { earlierSteps, show, signal }: StepOptions = {}): Promise<Graded> {
  const { exercise, file: graded } = target;
  const paths = exercisePaths(exercise);
  if (!existsSync(paths.grader)) {
    throw new EnvironmentError(
      `Exercise ${exercise.number} has no grader`,
      `${shownPath(paths.grader)} is missing from this copy of the kit.`,
      'Update the kit (`git pull`), then run `npm install`.',
    );
  }
  if (!existsSync(graded)) {
    return {
      kind: 'missing',
      message: !target.own
        ? `There is no file ${shownPath(graded)} to grade.`
        : `There is no ${shownPath(graded)}: the file you edit for exercise ${exercise.number} is gone. \`npm run reset ${exercise.number}\` brings back the starter.`,
    };
  }

  let result: GradeResult;
  try {
    const localstack = await withWork('Looking for LocalStack…', { quietOnPipe: true }, (say) => ensureLocalStack(say));
    result = await withWork(`Deploying ${shownPath(graded)} and checking ${exercise.tasks.length} tasks…`, {}, (say) =>
      gradeExercise(target, { localstack, say, earlierSteps, typecheck: true, signal, passedSteps: () => passedSteps(track) }),
    );
  } catch (error) {
    // A grade that could not run goes to the class board too: those learners need the instructor most.
    if (target.own && error instanceof EnvironmentError) {
      void loadProgress(STATE_DIR, track, warn)
        .then((progress) => reportEnvironmentFailure(STATE_DIR, exercise.number, error, progress.exercises[exercise.number], warn))
        .catch(() => undefined);
    }
    throw error;
  }
  const results = toResultsJson(result);
  show?.({ kind: 'graded', result, results });
  if (target.own) {
    // Progress first: it counts this run on top of what the results of earlier runs say.
    const verdict = results.earlierSteps === 'reference' && result.status === 'pass' ? 'reference-steps' : result.status;
    const progress = await changeProgress(STATE_DIR, track, warn, (progress) => recordGrade(progress, exercise, verdict));
    await writeResults(STATE_DIR, results);
    // In the background: the verdict is shown while it goes to the class board, if the learner joined one.
    void reportGrade(STATE_DIR, results, progress.exercises[exercise.number], warn);
  }
  return { kind: 'graded', result, results };
}

async function withWork<T>(text: string, options: { quietOnPipe?: boolean }, run: (say: (line: string) => void) => Promise<T>): Promise<T> {
  const work = startWork(text, options);
  try {
    return await run(work.say);
  } finally {
    work.stop();
  }
}

/** The steps the learner's progress says have passed. */
async function passedSteps(track: Track): Promise<Set<number>> {
  const progress = await loadProgress(STATE_DIR, track, warn);
  return new Set(track.exercises.filter((exercise) => statusOf(progress, exercise) === 'done').map((exercise) => exercise.number));
}
