import { AwsClock } from '../aws/awsClock.ts';
import { awsClients, destroyClients, type AwsClients } from '../aws/clients.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import type { StartedLocalStack } from '../localstack/started.ts';
import { namespacedName } from '../northPole.ts';
import { shownPath, STATE_DIR } from '../paths.ts';
import { exercisePaths, findExercise, type Exercise } from '../track.ts';
import type { AwsAnswers } from './awsAnswers.ts';
import type { Fixture, GradingContext, WholeSystem } from './checks/grader.ts';
import { Observers } from './checks/observe.ts';
import { removeStaleExtras, sweepStale } from './cleanUp.ts';
import { contractOf, deployArgs, deployEarlierSteps, deployWholeSystem, EarlierStepFailed, loadGrader, type CallLearner } from './earlierSteps.ts';
import { LearnerSession, type LearnerOutcome } from './learnerSession.ts';
import { NamespaceRegistry } from './namespace.ts';
import { typecheck, type TypeProblem } from './typecheck.ts';
import {
  asEnvironmentError,
  earlierStepProblem,
  extrasOf,
  isServiceError,
  preparationProblem,
  runChecks,
  stillThere,
  type LearnerSide,
  type TaskResult,
} from './verdicts.ts';

/** What is graded: an exercise, the file that stands for it, and whether that file is the learner's own (exercises/). */
export interface GradeTarget {
  exercise: Exercise;
  file: string;
  /** The learner's own file: its verdict is their progress, and the whole system is built from their files. */
  own: boolean;
}

/** The target for an exercise: the learner's own file, or another (a reference solution, a wrong answer, --file). */
export function gradeTarget(exercise: Exercise | number, file?: string): GradeTarget {
  const found = typeof exercise === 'number' ? findExercise(exercise) : exercise;
  const working = exercisePaths(found).working;
  return { exercise: found, file: file ?? working, own: (file ?? working) === working };
}

export interface GradeTimings {
  totalMs: number;
  localStackMs: number;
  earlierStepsMs: number;
  deployMs: number;
  checksMs: number;
  /** Wall time with at least one AWS call or long poll in flight, the learner's calls included. */
  awsMs: number;
}

export interface GradeResult {
  exercise: Exercise;
  /** The file graded, relative to the project. */
  file: string;
  status: 'pass' | 'fail';
  namespace: string;
  localstack: StartedLocalStack;
  tasks: TaskResult[];
  /** What tsc says about the graded file; undefined when it was not checked. */
  typeProblems?: TypeProblem[];
  /**
   * The learner's own file was graded, but its whole system ran the reference solutions of the
   * earlier steps in place of the learner's (--reference-steps): even when every check passes, the
   * step is not the learner's pass.
   */
  referenceSteps?: true;
  /** The graded file did not load (it does not compile, threw while loading, or lacks deploy()): no check could run on it. */
  fileDidNotLoad?: true;
  timings: GradeTimings;
}

export interface GradeOptions {
  /** Where namespaces are recorded (.northpole/ by default). */
  stateDir?: string;
  say?: (line: string) => void;
  localstack?: StartedLocalStack;
  /** Remove namespaces of finished runs (all but this one). On by default. */
  sweep?: boolean;
  deployTimeoutMs?: number;
  /** Type-check the graded file alongside the deploy (tsx itself only strips types). */
  typecheck?: boolean;
  /** Cancels the grade (watch mode, on a new save): the learner's worker is ended and the grade rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Where the whole system's earlier steps come from (deployWholeSystem): the learner's files in
   * exercises/, or the reference solutions. By default the learner's when the target is the learner's
   * own file, the reference solutions otherwise (a reference solution, a wrong answer, --file). The
   * starters stand for a learner who has done none of them (the kit's own tests).
   */
  earlierSteps?: 'yours' | 'reference' | 'starters';
  /** The steps the learner has passed (their progress): the whole system says so of each step it deploys. */
  passedSteps?: () => Promise<Set<number>>;
}

const DEFAULT_DEPLOY_TIMEOUT_MS = 30_000;

/**
 * One grade: LocalStack found, a namespace opened, the earlier steps deployed, the grader's
 * observers made, the learner's deploy() run, then each task checked in order.
 */
export async function gradeExercise(target: GradeTarget, options: GradeOptions = {}): Promise<GradeResult> {
  const started = performance.now();
  const { exercise, file } = target;
  const say = options.say ?? (() => {});

  // The learner host boots (Node, the TypeScript loader, the SDK) while the kit finds LocalStack and
  // loads the grader; tsc checks the file meanwhile, so its verdict costs no wall time on a warm run.
  // Every way out of this function ends the host: one left running keeps the process alive.
  const { signal } = options;
  signal?.throwIfAborted();
  const session = new LearnerSession().warm();
  const typing = options.typecheck ? typecheck(file, signal).catch(() => undefined) : Promise.resolve(undefined);
  // Ending the host stops the learner's code wherever it is; each step below then sees the abort.
  const cancel = () => void session.close();
  signal?.addEventListener('abort', cancel, { once: true });
  let aws: AwsClients | undefined;
  let sweeping: Promise<void> = Promise.resolve();
  let localstack: StartedLocalStack | undefined;
  let fixture: Fixture | undefined;
  try {
    localstack = options.localstack ?? (await ensureLocalStack(say));
    signal?.throwIfAborted();
    const localStackMs = performance.now() - started;

    const clock = new AwsClock();
    aws = awsClients(localstack.endpoint, clock);
    const registry = new NamespaceRegistry(options.stateDir ?? STATE_DIR);
    const namespace = await registry.open(exercise.number);
    const earlierSteps = options.earlierSteps ?? (target.own ? 'yours' : 'reference');
    // What ended runs made without the namespace would clash with what this deploy makes by the same
    // name: it goes first, and is waited for before the deploy. Old namespaces go while this run deploys.
    const extrasRemoved = options.sweep !== false ? removeStaleExtras(registry, namespace, aws) : Promise.resolve();
    if (options.sweep !== false) sweeping = extrasRemoved.then(() => sweepStale(registry, namespace, localstack!));

    const timed = (outcome: LearnerOutcome) => (clock.add(outcome.awsMs), outcome);
    const grader = await loadGrader(exercise);
    const deployTimeoutMs = options.deployTimeoutMs ?? (Number(process.env.NORTHPOLE_DEPLOY_TIMEOUT_MS) || grader.deployTimeoutMs || DEFAULT_DEPLOY_TIMEOUT_MS);
    const callIn = (inNamespace: string, call: Parameters<CallLearner>[0]) =>
      session.call({ ...call, endpoint: localstack!.endpoint, namespace: inNamespace }, deployTimeoutMs).then(timed);
    const call: CallLearner = (call) => callIn(namespace, call);

    const earlierStarted = performance.now();
    const earlier = await deployEarlierSteps(exercise, call, signal).catch((error: unknown) => {
      throw error instanceof EarlierStepFailed ? earlierStepProblem(error.step, error.message, localstack!) : error;
    });
    let wholeSystem: Promise<WholeSystem> | undefined;
    const notes: string[] = [];
    const context: Omit<GradingContext, 'deployed'> = {
      exercise,
      file,
      namespace,
      name: (baseName: string) => namespacedName(namespace, baseName),
      aws,
      localstack,
      observers: new Observers(aws, namespace, say),
      say,
      contract: (step) => contractOf(earlier.contracts, step, exercise),
      callLearner: (exportName: string, ...args: unknown[]) => context.callLearnerAnsweredAsAws({}, exportName, ...args),
      callLearnerAnsweredAsAws: (awsAnswers: AwsAnswers, exportName: string, ...args: unknown[]) => {
        signal?.throwIfAborted();
        return call({ file, exportName, args, awsAnswers });
      },
      deployWholeSystem: () =>
        (wholeSystem ??= deployWholeSystem({
          exercise,
          file,
          from: earlierSteps,
          passedSteps: options.passedSteps,
          registry,
          call: ({ namespace: inNamespace, ...rest }) => callIn(inNamespace, rest),
        })),
      note: (line: string) => void notes.push(line),
    };
    await grader.prepare?.(context).catch((error: unknown) => {
      throw isServiceError(error) ? preparationProblem(error, localstack!) : error;
    });
    fixture = await grader.fixture?.(context);
    const earlierStepsMs = performance.now() - earlierStarted;

    // Errors the earlier steps' code left unawaited are not the learner's.
    const unawaitedBefore = session.unawaited.length;
    await extrasRemoved;
    const deployStarted = performance.now();
    const deployed = await call({ file, exportName: 'deploy', args: [...deployArgs(exercise, earlier.contracts), ...(fixture ? [fixture.value] : [])] });
    const deployMs = performance.now() - deployStarted;
    await registry.recordExtras(namespace, extrasOf(deployed, namespace));
    signal?.throwIfAborted();

    const checksStarted = performance.now();
    const learner: LearnerSide = {
      file,
      namespace,
      deployed,
      earlierCreated: earlier.created,
      unawaited: () => session.unawaited.slice(unawaitedBefore),
      stillThere: (creations) => stillThere(aws!, namespace, creations),
    };
    const tasks = await runChecks(exercise, grader, { ...context, deployed } as GradingContext, learner, notes, signal);
    signal?.throwIfAborted();
    const checksMs = performance.now() - checksStarted;
    const typeProblems = await typing;

    return {
      exercise,
      file: shownPath(file),
      status: tasks.every((task) => task.status === 'pass') ? 'pass' : 'fail',
      namespace,
      localstack,
      tasks,
      typeProblems,
      ...(wholeSystem && earlierSteps === 'reference' && target.own ? { referenceSteps: true as const } : {}),
      ...(deployed.kind === 'load-error' || deployed.kind === 'missing-export' ? { fileDidNotLoad: true as const } : {}),
      timings: { totalMs: performance.now() - started, localStackMs, earlierStepsMs, deployMs, checksMs, awsMs: clock.ms },
    };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw (localstack && asEnvironmentError(error, localstack)) ?? error;
  } finally {
    signal?.removeEventListener('abort', cancel);
    await session.close();
    await fixture?.close();
    // A cancelled grade makes way for the next at once; the clean-up of old namespaces goes on behind it.
    if (!signal?.aborted) await sweeping;
    if (aws) destroyClients(aws);
  }
}
