import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AwsClock } from '../aws/awsClock.ts';
import { awsClients, destroyClients } from '../aws/clients.ts';
import { EnvironmentError } from '../environmentError.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import { PROJECT_ROOT } from '../localstack/settings.ts';
import type { StartedLocalStack } from '../localstack/started.ts';
import { namespacedName } from '../northPole.ts';
import { loadProgress, statusOf } from '../progress/progress.ts';
import { exerciseDir, exercisePaths, finalSteps, findExercise, loadTrack, type Exercise, type Task } from '../track.ts';
import { Miss, type DeployedStep, type Grader, type GradingContext, type WholeSystem } from './grader.ts';
import { LearnerSession, type LearnerCall, type LearnerOutcome } from './learnerSession.ts';
import { NamespaceRegistry } from './namespace.ts';
import type { Hop } from './orderPath.ts';
import { Observers } from './observe.ts';
import { removeNamespace } from './sweep.ts';
import { STATE_DIR } from '../stateDir.ts';

export type TaskStatus = 'pass' | 'fail' | 'skip';

export interface TaskResult {
  id: number;
  title: string;
  status: TaskStatus;
  expected?: string;
  found?: string;
  look?: string;
  /** Why deploy() stopped, when it did; shown with the first failed task. */
  deployProblem?: string;
  /** How far the check's test order got, up to the first hop that did not happen. */
  path?: { orderId: string; hops: Hop[] };
  /** What the check measured and wants shown, pass or fail (counts, timings). */
  notes?: string[];
  ms: number;
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
  timings: GradeTimings;
}

export interface GradeOptions {
  /** The exercise file to grade; the learner's copy in exercises/ by default. */
  file?: string;
  /** Where namespaces are recorded (.northpole/ by default). */
  stateDir?: string;
  say?: (line: string) => void;
  localstack?: StartedLocalStack;
  /** Remove namespaces of finished runs (all but this one). On by default. */
  sweep?: boolean;
  deployTimeoutMs?: number;
  /**
   * Where the whole system's earlier steps come from (deployWholeSystem): the learner's files in
   * exercises/, or the reference solutions. By default the learner's when the learner's own file is
   * graded, the reference solutions otherwise (a reference solution, a wrong answer, --file).
   */
  earlierSteps?: 'yours' | 'reference';
}

const DEFAULT_DEPLOY_TIMEOUT_MS = 30_000;

export async function gradeExercise(number: number, options: GradeOptions = {}): Promise<GradeResult> {
  const started = performance.now();
  const exercise = findExercise(number);
  const paths = exercisePaths(exercise);
  const file = options.file ?? paths.starter;
  const say = options.say ?? (() => {});
  const deployTimeoutMs = options.deployTimeoutMs ?? DEFAULT_DEPLOY_TIMEOUT_MS;

  // The worker boots (TypeScript loader, SDK) while the kit finds LocalStack and loads the grader.
  const session = new LearnerSession().warm();
  let localstack: StartedLocalStack;
  try {
    localstack = options.localstack ?? (await ensureLocalStack(say));
  } catch (error) {
    await session.close();
    throw error;
  }
  const localStackMs = performance.now() - started;

  const clock = new AwsClock();
  const aws = awsClients(localstack.endpoint, clock);
  const registry = new NamespaceRegistry(options.stateDir ?? STATE_DIR);
  const namespace = await registry.open(number);
  const earlierSteps = options.earlierSteps ?? (file === paths.starter ? 'yours' : 'reference');
  // Old namespaces go while this run deploys; their resources are apart from this run's.
  const sweeping = options.sweep === false ? Promise.resolve() : sweepStale(registry, namespace, localstack.endpoint);
  const where = { endpoint: localstack.endpoint, namespace };

  try {
    const grader = ((await import(pathToFileURL(paths.grader).href)) as { default: Grader }).default;
    const base = {
      exercise,
      file,
      namespace,
      name: (baseName: string) => namespacedName(namespace, baseName),
      aws,
      localstack,
      observers: new Observers(aws, namespace),
      earlier: {} as Record<number, unknown>,
      callLearner: async (exportName: string, ...args: unknown[]) => timed(await session.call({ file, exportName, args, ...where }, deployTimeoutMs)),
    };
    let wholeSystem: Promise<WholeSystem> | undefined;
    const notes: string[] = [];
    const context0 = {
      ...base,
      deployWholeSystem: () =>
        (wholeSystem ??= deployWholeSystem({ exercise, file, from: earlierSteps, stateDir: options.stateDir ?? STATE_DIR, registry, endpoint: localstack.endpoint, deployTimeoutMs, call: (call) => session.call(call, deployTimeoutMs).then(timed) })),
      note: (line: string) => void notes.push(line),
    };
    const timed = (outcome: LearnerOutcome) => {
      clock.add(outcome.awsMs);
      return outcome;
    };

    const earlierStarted = performance.now();
    for (const earlierNumber of exercise.buildsOn) {
      const earlierExercise = findExercise(earlierNumber);
      const earlierGrader = ((await import(pathToFileURL(exercisePaths(earlierExercise).grader).href)) as { default: Grader }).default;
      const outcome = timed(
        await session.call({ file: exercisePaths(earlierExercise).solution, exportName: 'deploy', args: earlierGrader.deployArgs?.(base.earlier) ?? [], ...where }, deployTimeoutMs),
      );
      if (outcome.kind !== 'returned') {
        throw new Error(`The reference solution of exercise ${earlierNumber} did not deploy: ${outcome.message}`);
      }
      base.earlier[earlierNumber] = outcome.value;
    }
    await grader.prepare?.(context0);
    const earlierStepsMs = performance.now() - earlierStarted;

    const deployStarted = performance.now();
    const deployed = timed(await session.call({ file, exportName: 'deploy', args: grader.deployArgs?.(base.earlier) ?? [], ...where }, deployTimeoutMs));
    const deployMs = performance.now() - deployStarted;

    const checksStarted = performance.now();
    const context: GradingContext = { ...context0, deployed };
    const tasks = await runChecks(exercise, grader, context, file, notes);
    const checksMs = performance.now() - checksStarted;

    return {
      exercise,
      file: path.relative(PROJECT_ROOT, file),
      status: tasks.every((task) => task.status === 'pass') ? 'pass' : 'fail',
      namespace,
      localstack,
      tasks,
      timings: { totalMs: performance.now() - started, localStackMs, earlierStepsMs, deployMs, checksMs, awsMs: clock.ms },
    };
  } catch (error) {
    throw asEnvironmentError(error, localstack) ?? error;
  } finally {
    await session.close();
    await sweeping;
    destroyClients(aws);
  }
}

/** Checks tasks in order; the first failure stops the rest, which are reported as not checked yet. */
async function runChecks(exercise: Exercise, grader: Grader, context: GradingContext, file: string, notes: string[]): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  let failed = false;
  for (const task of exercise.tasks) {
    if (failed) {
      results.push({ id: task.id, title: task.title, status: 'skip', ms: 0 });
      continue;
    }
    const started = performance.now();
    const check = grader.tasks[task.id];
    if (!check) throw new Error(`The grader of exercise ${exercise.number} has no check for task ${task.id}.`);
    try {
      await check(context);
      results.push({ id: task.id, title: task.title, status: 'pass', ms: performance.now() - started });
    } catch (error) {
      if (!(error instanceof Miss)) throw error;
      failed = true;
      results.push(missed(exercise, task, error, file, context.deployed, performance.now() - started));
    }
    if (notes.length > 0) results.at(-1)!.notes = notes.splice(0);
  }
  // Every check passed but deploy() still threw: the learner should see it.
  if (!failed && context.deployed.kind !== 'returned') {
    const last = results.at(-1)!;
    Object.assign(last, { status: 'fail', expected: 'deploy() to finish without an error', found: context.deployed.message, look: lookAt(exercise, file, last.id) });
  }
  return results;
}

function missed(exercise: Exercise, task: Task, miss: Miss, file: string, deployed: LearnerOutcome, ms: number): TaskResult {
  return {
    id: task.id,
    title: task.title,
    status: 'fail',
    expected: miss.expected,
    found: miss.found,
    look: miss.look ?? lookAt(exercise, file, task.id),
    deployProblem: describeDeployProblem(deployed),
    path: miss.path && { orderId: miss.path.orderId, hops: miss.path.shown() },
    ms,
  };
}

/** What went wrong with the learner's code itself, in words that say which kind of problem it is. */
function describeDeployProblem(deployed: LearnerOutcome): string | undefined {
  switch (deployed.kind) {
    case 'returned':
      return undefined;
    case 'load-error':
      return `your file does not compile: ${deployed.message}`;
    case 'missing-export':
      return deployed.message;
    case 'timeout':
      return deployed.message;
    case 'threw':
      return `deploy() threw ${deployed.message}`;
  }
}

function lookAt(exercise: Exercise, file: string, taskId: number): string {
  return `${path.relative(process.cwd(), file) || file}, the "Task ${taskId}" TODO; instructions: exercises/${exerciseDir(exercise)}/README.md`;
}

interface WholeSystemOptions {
  exercise: Exercise;
  file: string;
  from: 'yours' | 'reference';
  stateDir: string;
  registry: NamespaceRegistry;
  endpoint: string;
  deployTimeoutMs: number;
  call: (call: LearnerCall) => Promise<LearnerOutcome>;
}

const loadGrader = async (exercise: Exercise) => ((await import(pathToFileURL(exercisePaths(exercise).grader).href)) as { default: Grader }).default;

/**
 * The final version of every earlier step, then the graded file, in a namespace of their own: the
 * system as the learner built it. Each step gets the contracts of the steps it builds on (a replaced
 * step's contract is its replacement's); the first step that does not deploy stops the rest.
 */
async function deployWholeSystem(options: WholeSystemOptions): Promise<WholeSystem> {
  const namespace = await options.registry.open(options.exercise.number);
  const where = { endpoint: options.endpoint, namespace };
  const progress = options.from === 'yours' ? await loadProgress(options.stateDir, loadTrack(), () => {}) : undefined;
  const contracts: Record<number, unknown> = {};
  const steps: DeployedStep[] = [];
  for (const exercise of [...finalSteps(options.exercise.number), options.exercise]) {
    const grader = await loadGrader(exercise);
    const file = exercise === options.exercise ? options.file : options.from === 'yours' ? exercisePaths(exercise).starter : exercisePaths(exercise).solution;
    const outcome = await options.call({ file, exportName: 'deploy', args: grader.deployArgs?.(contracts) ?? [], ...where });
    const step: DeployedStep = {
      exercise,
      file: path.relative(PROJECT_ROOT, file),
      from: options.from === 'yours' || exercise === options.exercise ? 'yours' : 'reference',
      outcome,
      passed: progress && exercise !== options.exercise ? statusOf(progress, exercise) === 'done' : undefined,
      sinks: outcome.kind === 'returned' ? (grader.sinks?.(outcome.value) ?? []) : [],
    };
    steps.push(step);
    if (outcome.kind !== 'returned') return { namespace, steps, broken: step, contracts, call: unavailable };
    for (const number of [exercise.number, ...(exercise.replaces ?? [])]) contracts[number] = outcome.value;
  }
  return {
    namespace,
    steps,
    contracts,
    call: (exportName, ...args) => options.call({ file: options.file, exportName, args, ...where }),
  };
}

const unavailable = () => Promise.reject(new Error('The whole system did not deploy: nothing to call.'));

async function sweepStale(registry: NamespaceRegistry, keep: string, endpoint: string): Promise<void> {
  const stale = await registry.stale(keep);
  if (stale.length === 0) return;
  const aws = awsClients(endpoint);
  try {
    await Promise.all(stale.map((namespace) => removeNamespace(aws, namespace)));
    await registry.forget(stale);
  } catch {
    // LocalStack went away: the namespaces stay recorded and are removed by a later run.
  } finally {
    destroyClients(aws);
  }
}

/** A connection refused or reset mid-run means LocalStack died, not that the learner's code is wrong. */
export function asEnvironmentError(error: unknown, localstack: StartedLocalStack): EnvironmentError | undefined {
  const text = `${(error as Error)?.name} ${(error as NodeJS.ErrnoException)?.code} ${(error as Error)?.message} ${String((error as { cause?: unknown })?.cause ?? '')}`;
  if (!/ECONNREFUSED|ECONNRESET|socket hang up|EPIPE|fetch failed/.test(text)) return undefined;
  return new EnvironmentError(
    `LocalStack stopped answering at ${localstack.endpoint}`,
    `The connection failed while grading (${(error as Error).message}).`,
    localstack.mode === 'endpoint'
      ? 'Check the LocalStack NORTHPOLE_ENDPOINT points at (restart it if it stopped), then run the command again. `npm run doctor` shows its state.'
      : 'Run the command again: the kit starts LocalStack when it is not running. `npm run doctor` shows its state.',
  );
}
