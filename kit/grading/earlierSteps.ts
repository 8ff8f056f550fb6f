import { pathToFileURL } from 'node:url';
import type { Step, StepContracts } from '../contracts.ts';
import { PROJECT_ROOT, shownPath } from '../paths.ts';
import { exercisePaths, finalSteps, findExercise, standsInFor, type Exercise } from '../track.ts';
import type { DeployedStep, Grader, WholeSystem } from './checks/grader.ts';
import type { Creation } from './creations.ts';
import type { LearnerCall, LearnerOutcome } from './learnerSession.ts';
import type { NamespaceRegistry } from './namespace.ts';
import path from 'node:path';

// What a step builds on, deployed by the kit: the reference solutions of the steps it names in
// track.json's `buildsOn`, or, for a step that tests the whole, the final version of every step.

export const loadGrader = async (exercise: Exercise): Promise<Grader> =>
  ((await import(pathToFileURL(exercisePaths(exercise).grader).href)) as { default: Grader }).default;

/** Calls one exported function of an exercise file in the run's namespace. */
export type CallLearner = (call: Omit<LearnerCall, 'endpoint' | 'namespace'>) => Promise<LearnerOutcome>;

/** What each step a deploy() needs returned, by exercise number. */
export type Contracts = Partial<Record<Step, unknown>>;

/** The arguments of a step's deploy() after `np`: the contracts of the steps it builds on, in track.json's order. */
export const deployArgs = (exercise: Exercise, contracts: Contracts): unknown[] => exercise.buildsOn.map((number) => contracts[number as Step]);

/** An earlier step's contract, typed; a grader that asks for one its step does not build on is the kit's bug. */
export function contractOf<K extends Step>(contracts: Contracts, step: K, exercise: Exercise): StepContracts[K] {
  if (!(step in contracts)) throw new Error(`The grader of exercise ${exercise.number} reads the contract of exercise ${step}, which it does not build on.`);
  return contracts[step] as StepContracts[K];
}

/** A reference solution of an earlier step that did not deploy: not the learner's doing. */
export class EarlierStepFailed extends Error {
  constructor(
    readonly step: number,
    message: string,
  ) {
    super(message);
  }
}

/** Deploys the reference solutions of the steps `exercise` builds on, in order; what they return and create. */
export async function deployEarlierSteps(exercise: Exercise, call: CallLearner, signal?: AbortSignal): Promise<{ contracts: Contracts; created: Creation[] }> {
  const contracts: Contracts = {};
  const created: Creation[] = [];
  for (const number of exercise.buildsOn) {
    const earlier = findExercise(number);
    const outcome = await call({ file: exercisePaths(earlier).solution, exportName: 'deploy', args: deployArgs(earlier, contracts) });
    if (outcome.kind !== 'returned') throw new EarlierStepFailed(number, outcome.message);
    contracts[number as Step] = outcome.value;
    created.push(...(outcome.created ?? []));
    signal?.throwIfAborted();
  }
  return { contracts, created };
}

export interface WholeSystemOptions {
  exercise: Exercise;
  /** The graded file: the system's last step. */
  file: string;
  from: 'yours' | 'reference' | 'starters';
  passedSteps?: () => Promise<Set<number>>;
  registry: NamespaceRegistry;
  /** Calls code in a given namespace. */
  call: (call: Omit<LearnerCall, 'endpoint'>) => Promise<LearnerOutcome>;
}

/**
 * The final version of every earlier step, then the graded file, in a namespace of their own: the
 * system as the learner built it. Each step gets the contracts of the steps it builds on (a replaced
 * step's contract is its replacement's); the first step that does not deploy stops the rest.
 */
export async function deployWholeSystem(options: WholeSystemOptions): Promise<WholeSystem> {
  const namespace = await options.registry.open(options.exercise.number);
  const inSystem = (call: Omit<LearnerCall, 'endpoint' | 'namespace'>) => options.call({ ...call, namespace });
  const passed = options.from === 'yours' ? await options.passedSteps?.() : undefined;
  const contracts: Contracts = {};
  const system = (fields: Pick<WholeSystem, 'steps'> & Partial<WholeSystem>): WholeSystem => ({
    namespace,
    contracts: contracts as Partial<StepContracts>,
    contract: (step) => contractOf(contracts, step, options.exercise),
    call: unavailable,
    callStep: unavailable,
    ...fields,
  });
  // A step of the learner's that has not passed would fail the whole system for a reason its own grade gives better.
  const unfinished = passed ? finalSteps(options.exercise.number).filter((exercise) => !passed.has(exercise.number)) : [];
  if (unfinished.length > 0) return system({ steps: [], unfinished });
  const steps: DeployedStep[] = [];
  for (const exercise of [...finalSteps(options.exercise.number), options.exercise]) {
    const grader = await loadGrader(exercise);
    const paths = exercisePaths(exercise);
    const file = exercise === options.exercise ? options.file : { yours: paths.working, reference: paths.solution, starters: paths.starter }[options.from];
    const outcome = await inSystem({ file, exportName: 'deploy', args: deployArgs(exercise, contracts) });
    const step: DeployedStep = {
      exercise,
      file: shownPath(file),
      from: options.from === 'reference' && exercise !== options.exercise ? 'reference' : 'yours',
      outcome,
      passed: passed && exercise !== options.exercise ? passed.has(exercise.number) : undefined,
      sinks: outcome.kind === 'returned' ? (grader.sinks?.(outcome.value as never) ?? []) : [],
    };
    steps.push(step);
    if (outcome.kind !== 'returned') return system({ steps, broken: step });
    for (const number of [exercise.number, ...standsInFor(exercise)]) contracts[number as Step] = outcome.value;
  }
  return system({
    steps,
    call: (exportName, ...args) => inSystem({ file: options.file, exportName, args }),
    callStep: (number, exportName, ...args) => {
      const step = steps.find((candidate) => candidate.exercise.number === number || standsInFor(candidate.exercise).includes(number));
      if (!step) return Promise.reject(new Error(`Exercise ${number} is not part of the whole system.`));
      return inSystem({ file: path.resolve(PROJECT_ROOT, step.file), exportName, args });
    },
  });
}

const unavailable = () => Promise.reject(new Error('The whole system did not deploy: nothing to call.'));
