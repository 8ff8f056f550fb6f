import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AwsClock } from '../aws/awsClock.ts';
import { awsClients, destroyClients, type AwsClients } from '../aws/clients.ts';
import { EnvironmentError } from '../environmentError.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import { LOCALSTACK_VERSION, PROJECT_ROOT } from '../localstack/settings.ts';
import { capitalised, emulatorLabel, type StartedLocalStack } from '../localstack/started.ts';
import { unimplementedOperation, type AwsFailure } from '../localstack/unimplemented.ts';
import { namespacedName } from '../northPole.ts';
import { exerciseDir, exercisePaths, finalSteps, findExercise, standsInFor, type Exercise, type Task } from '../track.ts';
import type { AwsAnswers } from './awsAnswers.ts';
import { Miss, type DeployedStep, type Grader, type GradingContext, type WholeSystem } from './grader.ts';
import { removalOrder, removeCreation, type Creation } from './creations.ts';
import { LearnerSession, type LearnerCall, type LearnerOutcome } from './learnerSession.ts';
import { NamespaceLeases, NamespaceRegistry } from './namespace.ts';
import type { Hop } from './orderPath.ts';
import { Observers } from './observe.ts';
import { findNamespacedResources, namespaceOf, removeNamespaces } from './sweep.ts';
import { typecheck, type TypeProblem } from './typecheck.ts';
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
  /** The exercise file to grade; the learner's copy in exercises/ by default. */
  file?: string;
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
   * exercises/, or the reference solutions. By default the learner's when the learner's own file is
   * graded, the reference solutions otherwise (a reference solution, a wrong answer, --file).
   */
  earlierSteps?: 'yours' | 'reference';
  /** The steps the learner has passed (their progress): the whole system says so of each step it deploys. */
  passedSteps?: () => Promise<Set<number>>;
}

const DEFAULT_DEPLOY_TIMEOUT_MS = 30_000;

export async function gradeExercise(number: number, options: GradeOptions = {}): Promise<GradeResult> {
  const started = performance.now();
  const exercise = findExercise(number);
  const paths = exercisePaths(exercise);
  const file = options.file ?? paths.working;
  const say = options.say ?? (() => {});
  const deployTimeoutMs = options.deployTimeoutMs ?? (Number(process.env.NORTHPOLE_DEPLOY_TIMEOUT_MS) || DEFAULT_DEPLOY_TIMEOUT_MS);

  // The worker boots (TypeScript loader, SDK) while the kit finds LocalStack and loads the grader;
  // tsc checks the file meanwhile, so its verdict costs no wall time on a warm run. Every way out of
  // this function closes the worker: a worker left running keeps the process alive.
  const { signal } = options;
  signal?.throwIfAborted();
  const session = new LearnerSession().warm();
  const typing = options.typecheck ? typecheck(file, signal).catch(() => undefined) : Promise.resolve(undefined);
  // Ending the worker stops the learner's code wherever it is; each step below then sees the abort.
  const cancel = () => void session.close();
  signal?.addEventListener('abort', cancel, { once: true });
  let aws: AwsClients | undefined;
  let sweeping: Promise<void> = Promise.resolve();
  let localstack: StartedLocalStack | undefined;
  try {
    localstack = options.localstack ?? (await ensureLocalStack(say));
    signal?.throwIfAborted();
    const localStackMs = performance.now() - started;

    const clock = new AwsClock();
    aws = awsClients(localstack.endpoint, clock);
    const registry = new NamespaceRegistry(options.stateDir ?? STATE_DIR);
    const namespace = await registry.open(number);
    const earlierSteps = options.earlierSteps ?? (file === paths.working ? 'yours' : 'reference');
    // What ended runs made without the namespace would clash with what this deploy makes by the same
    // name: it goes first, and is waited for before the deploy. Old namespaces go while this run deploys.
    const extrasRemoved = options.sweep !== false ? removeStaleExtras(registry, namespace, aws) : Promise.resolve();
    if (options.sweep !== false) sweeping = extrasRemoved.then(() => sweepStale(registry, namespace, localstack!));
    const where = { endpoint: localstack.endpoint, namespace };

    const grader = ((await import(pathToFileURL(paths.grader).href)) as { default: Grader }).default;
    const base = {
      exercise,
      file,
      namespace,
      name: (baseName: string) => namespacedName(namespace, baseName),
      aws,
      localstack,
      observers: new Observers(aws, namespace, say),
      say,
      earlier: {} as Record<number, unknown>,
      callLearner: (exportName: string, ...args: unknown[]) => base.callLearnerAnsweredAsAws({}, exportName, ...args),
      callLearnerAnsweredAsAws: async (awsAnswers: AwsAnswers, exportName: string, ...args: unknown[]) => {
        signal?.throwIfAborted();
        return timed(await session.call({ file, exportName, args, ...where, awsAnswers }, deployTimeoutMs));
      },
    };
    let wholeSystem: Promise<WholeSystem> | undefined;
    const notes: string[] = [];
    const context0 = {
      ...base,
      deployWholeSystem: () =>
        (wholeSystem ??= deployWholeSystem({ exercise, file, from: earlierSteps, passedSteps: options.passedSteps, registry, endpoint: where.endpoint, deployTimeoutMs, call: (call) => session.call(call, deployTimeoutMs).then(timed) })),
      note: (line: string) => void notes.push(line),
    };
    const timed = (outcome: LearnerOutcome) => {
      clock.add(outcome.awsMs);
      return outcome;
    };

    const earlierStarted = performance.now();
    /** What the earlier steps' reference solutions created: if it vanishes, someone else removed it. */
    const earlierCreated: Creation[] = [];
    for (const earlierNumber of exercise.buildsOn) {
      const earlierExercise = findExercise(earlierNumber);
      const earlierGrader = ((await import(pathToFileURL(exercisePaths(earlierExercise).grader).href)) as { default: Grader }).default;
      const outcome = timed(
        await session.call({ file: exercisePaths(earlierExercise).solution, exportName: 'deploy', args: earlierGrader.deployArgs?.(base.earlier) ?? [], ...where }, deployTimeoutMs),
      );
      if (outcome.kind !== 'returned') throw earlierStepProblem(earlierNumber, outcome.message, localstack);
      base.earlier[earlierNumber] = outcome.value;
      earlierCreated.push(...(outcome.created ?? []));
      signal?.throwIfAborted();
    }
    await grader.prepare?.(context0).catch((error: unknown) => {
      throw isServiceError(error) ? preparationProblem(error, localstack!) : error;
    });
    const earlierStepsMs = performance.now() - earlierStarted;

    // Errors the earlier steps' code left unawaited are not the learner's.
    const unawaitedBefore = session.unawaited.length;
    await extrasRemoved;
    const deployStarted = performance.now();
    const deployed = timed(await session.call({ file, exportName: 'deploy', args: grader.deployArgs?.(base.earlier) ?? [], ...where }, deployTimeoutMs));
    const deployMs = performance.now() - deployStarted;
    await registry.recordExtras(namespace, extrasOf(deployed, namespace));
    signal?.throwIfAborted();

    const checksStarted = performance.now();
    const context: GradingContext = { ...context0, deployed };
    const learner: LearnerSide = {
      file,
      namespace,
      deployed,
      earlierCreated,
      unawaited: () => session.unawaited.slice(unawaitedBefore),
      stillThere: (creations) => stillThere(aws!, namespace, creations),
    };
    const tasks = await runChecks(exercise, grader, context, learner, notes, signal);
    signal?.throwIfAborted();
    const checksMs = performance.now() - checksStarted;
    const typeProblems = await typing;

    return {
      exercise,
      file: path.relative(PROJECT_ROOT, file),
      status: tasks.every((task) => task.status === 'pass') ? 'pass' : 'fail',
      namespace,
      localstack,
      tasks,
      typeProblems,
      ...(wholeSystem && earlierSteps === 'reference' && file === paths.working ? { referenceSteps: true as const } : {}),
      ...(deployed.kind === 'load-error' || deployed.kind === 'missing-export' ? { fileDidNotLoad: true as const } : {}),
      timings: { totalMs: performance.now() - started, localStackMs, earlierStepsMs, deployMs, checksMs, awsMs: clock.ms },
    };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw (localstack && asEnvironmentError(error, localstack)) ?? error;
  } finally {
    signal?.removeEventListener('abort', cancel);
    await session.close();
    // A cancelled grade makes way for the next at once; the clean-up of old namespaces goes on behind it.
    if (!signal?.aborted) await sweeping;
    if (aws) destroyClients(aws);
  }
}

/** What the kit knows of the learner's side of the run, to tell their mistakes from someone else's. */
interface LearnerSide {
  file: string;
  namespace: string;
  deployed: LearnerOutcome;
  /** What the earlier steps' reference solutions created in this run. */
  earlierCreated: Creation[];
  /** Errors the learner's code raised that nobody awaited, so far. */
  unawaited(): string[];
  /** Which of these still exist in LocalStack, as `kind name` keys (a table and a bus may share a name). */
  stillThere(creations: Creation[]): Promise<Set<string>>;
}

/** Checks tasks in order; the first failure stops the rest, which are reported as not checked yet. */
async function runChecks(exercise: Exercise, grader: Grader, context: GradingContext, learner: LearnerSide, notes: string[], signal?: AbortSignal): Promise<TaskResult[]> {
  const results: TaskResult[] = [];
  let failed = false;
  for (const task of exercise.tasks) {
    signal?.throwIfAborted();
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
      // An AWS error no check foresaw: most likely something of this run missing; never a crash.
      const miss = error instanceof Miss ? error : isServiceError(error) ? unforeseen(error) : undefined;
      if (!miss) throw error;
      failed = true;
      results.push(await missed(exercise, task, miss, learner, performance.now() - started));
    }
    if (notes.length > 0) results.at(-1)!.notes = notes.splice(0);
  }
  // Every check passed but deploy() still threw, or left an error nobody awaited: the learner should see it.
  const problem = describeDeployProblem(learner.deployed, learner.unawaited());
  if (!failed && problem) {
    const last = results.at(-1)!;
    Object.assign(last, { status: 'fail', expected: 'deploy() to finish without an error', found: problem, look: deployLook(exercise, learner, last.id) });
  }
  return results;
}

async function missed(exercise: Exercise, task: Task, miss: Miss, learner: LearnerSide, ms: number): Promise<TaskResult> {
  const result: TaskResult = {
    id: task.id,
    title: task.title,
    status: 'fail',
    expected: miss.expected,
    found: miss.found,
    look: miss.look ?? deployLook(exercise, learner, miss.lookAtTask ?? task.id),
    deployProblem: describeDeployProblem(learner.deployed, learner.unawaited()),
    path: miss.path && { orderId: miss.path.orderId, hops: miss.path.shown() },
    ms,
  };
  const created = learner.deployed.kind === 'returned' ? (learner.deployed.created ?? []) : [];
  // A name without the namespace is the learner's slip, not someone else's doing: said first, with its line.
  const slips = outsideNamespace(learner.deployed, learner.namespace);
  if (slips.length > 0) {
    const slip = slips[0]!;
    result.deployProblem = `deploy() named the ${slip.kind} "${slip.name}"${slip.line ? ` (line ${slip.line})` : ''} without the namespace: name it np.name('${slip.name}'), so that it is ${learner.namespace}-${slip.name}. Without it every run, and everyone on this LocalStack, shares one ${slip.kind}, and the grader looks for ${learner.namespace}-${slip.name}${slips.length > 1 ? ` (also: ${slips.slice(1).map((other) => `"${other.name}"`).join(', ')})` : ''}`;
    if (slip.line) result.look = `${shownPath(learner.file)}, line ${slip.line}; instructions: exercises/${exerciseDir(exercise)}/README.md`;
    return result;
  }
  // On a shared LocalStack someone else's code can delete this run's resources: that is not the learner's task.
  const mine = created.filter((creation) => namespaceOf(creation.name) === learner.namespace);
  const everything = [...mine, ...learner.earlierCreated];
  if (everything.length > 0) {
    const there = await learner.stillThere(everything).catch(() => undefined);
    const gone = (list: Creation[]) => (there ? [...new Set(list.filter((creation) => !there.has(keyOf(creation))).map((creation) => creation.name))] : []);
    const goneMine = gone(mine);
    const goneEarlier = gone(learner.earlierCreated);
    const itIs = (names: string[]) => (names.length === 1 ? 'it is' : 'they are');
    const said = [
      goneMine.length > 0 ? `deploy() created ${goneMine.join(', ')}, and ${itIs(goneMine)} gone, though no call of yours removed ${goneMine.length === 1 ? 'it' : 'them'}` : '',
      goneEarlier.length > 0 ? `the kit deployed ${goneEarlier.join(', ')} for the earlier steps this one builds on, and ${itIs(goneEarlier)} gone` : '',
    ].filter(Boolean);
    if (said.length > 0) {
      result.deployProblem = `${said.join('; ')}: someone else on this LocalStack (a shared instance, another grade, a clean-up) removed ${goneMine.length + goneEarlier.length === 1 ? 'it' : 'them'} while this grade ran`;
      result.look = 'not this task: run the grade again; on a shared LocalStack, tell the facilitator (docs/facilitator-guide.md, "Shared LocalStack")';
    }
  }
  return result;
}

/** A file as the learner finds it from where they ran the command. */
const shownPath = (file: string) => path.relative(process.cwd(), file) || file;

/** What the learner's code created under a name outside this run's namespace. */
function outsideNamespace(deployed: LearnerOutcome, namespace: string): Creation[] {
  return deployed.kind === 'returned' ? (deployed.created ?? []).filter((creation) => namespaceOf(creation.name) !== namespace) : [];
}

/** What the namespace's sweep would not find: creations outside it, and rules on a bus outside it. */
function extrasOf(deployed: LearnerOutcome, namespace: string): Creation[] {
  if (deployed.kind !== 'returned') return [];
  const onOtherBus = (creation: Creation) => creation.kind === 'rule' && creation.busName !== 'default' && namespaceOf(creation.busName) !== namespace;
  return (deployed.created ?? []).filter((creation) => namespaceOf(creation.name) !== namespace || onOtherBus(creation));
}

/** An error AWS (or LocalStack) answered over HTTP, as opposed to one of the kit's own or a connection that failed. */
function isServiceError(error: unknown): error is Error & { $metadata: { httpStatusCode: number } } {
  return error instanceof Error && typeof (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode === 'number';
}

/** An AWS error a check did not foresee, as what it found. */
function unforeseen(error: Error): Miss {
  return new Miss({
    expected: "the task's resources to be there for the grader to read",
    found: `AWS answered ${error.name}: ${error.message}`,
  });
}

function earlierStepProblem(number: number, message: string, localstack: StartedLocalStack): EnvironmentError {
  return new EnvironmentError(
    `The kit could not deploy exercise ${number}'s reference solution, which this exercise builds on`,
    `It failed in this run's namespace: ${message}. That is not your code: something on the LocalStack at ${localstack.endpoint} removed or changed what it uses while it ran (another grade, a clean-up), or LocalStack is unwell.`,
    'Run the grade again. If it keeps failing, `npm run doctor` checks LocalStack; on a shared LocalStack, tell the facilitator.',
  );
}

function preparationProblem(error: Error, localstack: StartedLocalStack): EnvironmentError {
  return new EnvironmentError(
    'The grader could not set up what it watches with',
    `AWS answered ${error.name}: ${error.message}. That is not your code: something on the LocalStack at ${localstack.endpoint} removed what the grader had just made (another grade, a clean-up), or LocalStack is unwell.`,
    'Run the grade again. If it keeps failing, `npm run doctor` checks LocalStack; on a shared LocalStack, tell the facilitator.',
  );
}

/**
 * Removes what ended runs' code created without the namespace (recorded with their namespace), before
 * this run's deploy makes the same names again.
 */
async function removeStaleExtras(registry: NamespaceRegistry, keep: string, aws: AwsClients): Promise<void> {
  const extras = await registry.staleExtras(keep).catch(() => []);
  for (const order of [0, 1, 2]) {
    await Promise.all(extras.filter((creation) => removalOrder(creation) === order).map((creation) => removeCreation(aws, creation)));
  }
}

/** What went wrong with the learner's code itself, in words that say which kind of problem it is. */
function describeDeployProblem(deployed: LearnerOutcome, unawaited: string[]): string | undefined {
  switch (deployed.kind) {
    case 'returned':
      return unawaited.length > 0 ? `in deploy(): ${unawaited[0]}` : undefined;
    case 'load-error':
      return deployed.threwWhileLoading ? `your file threw while it loaded, before deploy() ran (code outside any function): ${deployed.message}` : `your file does not compile: ${deployed.message}`;
    case 'missing-export':
      return deployed.message;
    case 'timeout':
      return `in deploy(): ${deployed.message}`;
    case 'threw':
      return `in deploy(): it threw ${deployed.message}`;
  }
}

/** Where to look: the line deploy() stopped at when it did not finish, the task's TODO otherwise. */
function deployLook(exercise: Exercise, learner: LearnerSide, taskId: number): string {
  const { deployed } = learner;
  const line = deployed.kind === 'threw' || deployed.kind === 'timeout' || deployed.kind === 'load-error' ? deployed.line : undefined;
  if (line) return `${shownPath(learner.file)}, line ${line} (where ${deployed.kind === 'load-error' ? 'the file stopped loading' : 'deploy() stopped'}); instructions: exercises/${exerciseDir(exercise)}/README.md`;
  return lookAt(exercise, learner.file, taskId);
}

const keyOf = (resource: { kind: string; name: string }) => `${resource.kind} ${resource.name}`;

async function stillThere(aws: AwsClients, namespace: string, creations: Creation[]): Promise<Set<string>> {
  const { resources, complete } = await findNamespacedResources(aws, (candidate) => candidate === namespace);
  // A list that failed tells nothing: everything counts as there, so the learner is not told it was removed.
  if (!complete) return new Set(creations.map(keyOf));
  // Only what is in the namespace is looked for; anything else the learner named is not the kit's to judge.
  return new Set([...resources.map(keyOf), ...creations.filter((creation) => namespaceOf(creation.name) !== namespace).map(keyOf)]);
}

function lookAt(exercise: Exercise, file: string, taskId: number): string {
  return `${shownPath(file)}, the "Task ${taskId}" TODO; instructions: exercises/${exerciseDir(exercise)}/README.md`;
}

interface WholeSystemOptions {
  exercise: Exercise;
  file: string;
  from: 'yours' | 'reference';
  passedSteps?: () => Promise<Set<number>>;
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
  const passed = options.from === 'yours' ? await options.passedSteps?.() : undefined;
  // A step of the learner's that has not passed would fail the whole system for a reason its own grade gives better.
  const unfinished = passed ? finalSteps(options.exercise.number).filter((exercise) => !passed.has(exercise.number)) : [];
  if (unfinished.length > 0) return { namespace, steps: [], unfinished, contracts: {}, call: unavailable, callStep: unavailable };
  const contracts: Record<number, unknown> = {};
  const steps: DeployedStep[] = [];
  for (const exercise of [...finalSteps(options.exercise.number), options.exercise]) {
    const grader = await loadGrader(exercise);
    const file = exercise === options.exercise ? options.file : options.from === 'yours' ? exercisePaths(exercise).working : exercisePaths(exercise).solution;
    const outcome = await options.call({ file, exportName: 'deploy', args: grader.deployArgs?.(contracts) ?? [], ...where });
    const step: DeployedStep = {
      exercise,
      file: path.relative(PROJECT_ROOT, file),
      from: options.from === 'yours' || exercise === options.exercise ? 'yours' : 'reference',
      outcome,
      passed: passed && exercise !== options.exercise ? passed.has(exercise.number) : undefined,
      sinks: outcome.kind === 'returned' ? (grader.sinks?.(outcome.value) ?? []) : [],
    };
    steps.push(step);
    if (outcome.kind !== 'returned') return { namespace, steps, broken: step, contracts, call: unavailable, callStep: unavailable };
    for (const number of [exercise.number, ...standsInFor(exercise)]) contracts[number] = outcome.value;
  }
  return {
    namespace,
    steps,
    contracts,
    call: (exportName, ...args) => options.call({ file: options.file, exportName, args, ...where }),
    callStep: (number, exportName, ...args) => {
      const step = steps.find((candidate) => candidate.exercise.number === number || standsInFor(candidate.exercise).includes(number));
      if (!step) return Promise.reject(new Error(`Exercise ${number} is not part of the whole system.`));
      return options.call({ file: path.join(PROJECT_ROOT, step.file), exportName, args, ...where });
    },
  };
}

const unavailable = () => Promise.reject(new Error('The whole system did not deploy: nothing to call.'));

/**
 * Removes the namespaces of ended runs, and forgets each one only once nothing of it is left. On
 * a LocalStack the kit started, namespaces no registry keeps any more (a deleted .northpole/) are
 * found by their names and their leases; on an endpoint that may be shared, only recorded ones are touched.
 */
async function sweepStale(registry: NamespaceRegistry, keep: string, localstack: StartedLocalStack): Promise<void> {
  const aws = awsClients(localstack.endpoint);
  const leases = new NamespaceLeases();
  try {
    const stale = await registry.stale(keep);
    let orphans: string[] = [];
    if (localstack.mode !== 'endpoint') {
      // Listed before the registry is read: a run that made resources had recorded its namespace first.
      const { resources } = await findNamespacedResources(aws, () => true);
      const known = new Set(await registry.all());
      const unknown = [...new Set(resources.map((resource) => resource.namespace))].filter((namespace) => !known.has(namespace));
      // Another project's (or verify's) run, live or kept, is not an orphan: only what is provably abandoned goes.
      const abandoned = await Promise.all(unknown.map((namespace) => leases.abandoned(namespace, resources.filter((resource) => resource.namespace === namespace).map((resource) => resource.createdAt))));
      orphans = unknown.filter((_, index) => abandoned[index]);
    }
    const gone = await removeNamespaces(aws, [...stale, ...orphans]);
    await registry.forget(gone.filter((namespace) => stale.includes(namespace)));
    await leases.remove(gone.filter((namespace) => orphans.includes(namespace)));
  } catch {
    // LocalStack went away, or the state folder refuses writes: the namespaces stay recorded and a later run removes them.
  } finally {
    destroyClients(aws);
  }
}

/**
 * Not the learner's mistake: a connection refused or reset mid-run (LocalStack died), or an API the
 * emulator at the endpoint does not implement (HTTP 501, NotImplemented, an unknown operation).
 */
export function asEnvironmentError(error: unknown, localstack: StartedLocalStack): EnvironmentError | undefined {
  const failure = error as (Error & AwsFailure) | undefined;
  const text = `${failure?.name} ${failure?.code} ${failure?.message} ${String((failure as { cause?: unknown })?.cause ?? '')}`;
  const emulator = emulatorLabel(localstack);
  const lacking = unimplementedOperation(error);
  if (lacking) {
    return new EnvironmentError(
      `${capitalised(emulator)} does not implement ${lacking}`,
      `The grade needs ${lacking}; ${localstack.notLocalStack ? 'the emulator' : `LocalStack at ${localstack.endpoint}`} answered ${failure?.$metadata?.httpStatusCode ? `HTTP ${failure.$metadata.httpStatusCode} ` : ''}${failure?.name}: ${failure?.message}. This is a gap of the emulator, not a mistake of yours.`,
      localstack.notLocalStack
        ? `Grade this exercise on the kit's own LocalStack (unset NORTHPOLE_ENDPOINT); \`npm run doctor -- --track\` lists what ${emulator} can grade.`
        : `The kit is tested with LocalStack ${LOCALSTACK_VERSION}: use that (unset NORTHPOLE_LOCALSTACK_IMAGE or NORTHPOLE_ENDPOINT).`,
    );
  }
  if (!/ECONNREFUSED|ECONNRESET|socket hang up|EPIPE|fetch failed/.test(text)) return undefined;
  return new EnvironmentError(
    `${localstack.notLocalStack ? capitalised(emulator) : 'LocalStack'} stopped answering${localstack.notLocalStack ? '' : ` at ${localstack.endpoint}`}`,
    `The connection failed while grading (${failure?.message}).`,
    localstack.mode === 'endpoint'
      ? `Check the ${localstack.notLocalStack ? 'emulator' : 'LocalStack'} NORTHPOLE_ENDPOINT points at (restart it if it stopped), then run the command again. \`npm run doctor\` shows its state.`
      : 'Run the command again: the kit starts LocalStack when it is not running. `npm run doctor` shows its state.',
  );
}

