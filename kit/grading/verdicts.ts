import type { AwsClients } from '../aws/clients.ts';
import { EnvironmentError } from '../environmentError.ts';
import { LOCALSTACK_VERSION } from '../localstack/settings.ts';
import { capitalised, emulatorLabel, type StartedLocalStack } from '../localstack/started.ts';
import { unimplementedOperation, type AwsFailure } from '../localstack/unimplemented.ts';
import { shownPath } from '../paths.ts';
import { exerciseDir, type Exercise, type Task } from '../track.ts';
import { Miss, type Grader, type GradingContext } from './checks/grader.ts';
import type { Creation } from './creations.ts';
import type { Hop } from './checks/orderPath.ts';
import type { LearnerOutcome } from './learnerSession.ts';
import { findNamespacedResources, namespaceOf } from './sweep.ts';

// From checks that threw to the verdict of each task: the learner's mistake, the learner's code that
// stopped, someone else's doing, or the environment's.

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

/** What the kit knows of the learner's side of the run, to tell their mistakes from someone else's. */
export interface LearnerSide {
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
export async function runChecks(
  exercise: Exercise,
  grader: Grader,
  context: GradingContext,
  learner: LearnerSide,
  notes: string[],
  signal?: AbortSignal,
): Promise<TaskResult[]> {
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
      const miss = error instanceof Miss ? error : isServiceError(error) && !unimplementedOperation(error) ? unforeseen(error) : undefined;
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
    result.deployProblem = `deploy() named the ${slip.kind} "${slip.name}"${slip.line ? ` (line ${slip.line})` : ''} without the namespace: name it np.name('${slip.name}'), so that it is ${learner.namespace}-${slip.name}. Without it every run, and everyone on this LocalStack, shares one ${slip.kind}, and the grader looks for ${learner.namespace}-${slip.name}${
      slips.length > 1
        ? ` (also: ${slips
            .slice(1)
            .map((other) => `"${other.name}"`)
            .join(', ')})`
        : ''
    }`;
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
      goneMine.length > 0
        ? `deploy() created ${goneMine.join(', ')}, and ${itIs(goneMine)} gone, though no call of yours removed ${goneMine.length === 1 ? 'it' : 'them'}`
        : '',
      goneEarlier.length > 0 ? `the kit deployed ${goneEarlier.join(', ')} for the earlier steps this one builds on, and ${itIs(goneEarlier)} gone` : '',
    ].filter(Boolean);
    if (said.length > 0) {
      result.deployProblem = `${said.join('; ')}: someone else on this LocalStack (a shared instance, another grade, a clean-up) removed ${goneMine.length + goneEarlier.length === 1 ? 'it' : 'them'} while this grade ran`;
      result.look = 'not this task: run the grade again; on a shared LocalStack, tell the facilitator (docs/facilitator-guide.md, "Shared LocalStack")';
    }
  }
  return result;
}

/** What the learner's code created under a name outside this run's namespace. */
function outsideNamespace(deployed: LearnerOutcome, namespace: string): Creation[] {
  return deployed.kind === 'returned' ? (deployed.created ?? []).filter((creation) => namespaceOf(creation.name) !== namespace) : [];
}

/** What the namespace's sweep would not find: creations outside it, and rules on a bus outside it. */
export function extrasOf(deployed: LearnerOutcome, namespace: string): Creation[] {
  if (deployed.kind !== 'returned') return [];
  const onOtherBus = (creation: Creation) => creation.kind === 'rule' && creation.busName !== 'default' && namespaceOf(creation.busName) !== namespace;
  return (deployed.created ?? []).filter((creation) => namespaceOf(creation.name) !== namespace || onOtherBus(creation));
}

/** An error AWS (or LocalStack) answered over HTTP, as opposed to one of the kit's own or a connection that failed. */
export function isServiceError(error: unknown): error is Error & { $metadata: { httpStatusCode: number } } {
  return error instanceof Error && typeof (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode === 'number';
}

/** An AWS error a check did not foresee, as what it found. */
function unforeseen(error: Error): Miss {
  return new Miss({
    expected: "the task's resources to be there for the grader to read",
    found: `AWS answered ${error.name}: ${error.message}`,
  });
}

export function earlierStepProblem(number: number, message: string, localstack: StartedLocalStack): EnvironmentError {
  return new EnvironmentError(
    `The kit could not deploy exercise ${number}'s reference solution, which this exercise builds on`,
    `It failed in this run's namespace: ${message}. That is not your code: something on the LocalStack at ${localstack.endpoint} removed or changed what it uses while it ran (another grade, a clean-up), or LocalStack is unwell.`,
    'Run the grade again. If it keeps failing, `npm run doctor` checks LocalStack; on a shared LocalStack, tell the facilitator.',
  );
}

export function preparationProblem(error: Error, localstack: StartedLocalStack): EnvironmentError {
  return new EnvironmentError(
    'The grader could not set up what it watches with',
    `AWS answered ${error.name}: ${error.message}. That is not your code: something on the LocalStack at ${localstack.endpoint} removed what the grader had just made (another grade, a clean-up), or LocalStack is unwell.`,
    'Run the grade again. If it keeps failing, `npm run doctor` checks LocalStack; on a shared LocalStack, tell the facilitator.',
  );
}

/** What went wrong with the learner's code itself, in words that say which kind of problem it is. */
export function describeDeployProblem(deployed: LearnerOutcome, unawaited: string[]): string | undefined {
  switch (deployed.kind) {
    case 'returned':
      return unawaited.length > 0 ? `in deploy(): ${unawaited[0]}` : undefined;
    case 'load-error':
      return deployed.threwWhileLoading
        ? `your file threw while it loaded, before deploy() ran (code outside any function): ${deployed.message}`
        : `your file does not compile: ${deployed.message}`;
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
  if (line)
    return `${shownPath(learner.file)}, line ${line} (where ${deployed.kind === 'load-error' ? 'the file stopped loading' : 'deploy() stopped'}); instructions: exercises/${exerciseDir(exercise)}/README.md`;
  return todoOf(exercise, learner.file, taskId);
}

const keyOf = (resource: { kind: string; name: string }) => `${resource.kind} ${resource.name}`;

export async function stillThere(aws: AwsClients, namespace: string, creations: Creation[]): Promise<Set<string>> {
  const { resources, complete } = await findNamespacedResources(aws, (candidate) => candidate === namespace);
  // A list that failed tells nothing: everything counts as there, so the learner is not told it was removed.
  if (!complete) return new Set(creations.map(keyOf));
  // Only what is in the namespace is looked for; anything else the learner named is not the kit's to judge.
  return new Set([...resources.map(keyOf), ...creations.filter((creation) => namespaceOf(creation.name) !== namespace).map(keyOf)]);
}

function todoOf(exercise: Exercise, file: string, taskId: number): string {
  return `${shownPath(file)}, the "Task ${taskId}" TODO; instructions: exercises/${exerciseDir(exercise)}/README.md`;
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
