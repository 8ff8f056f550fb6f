import path from 'node:path';
import type { Step, StepContracts } from '../../contracts.ts';
import { shownPath } from '../../paths.ts';
import { exerciseDir } from '../../track.ts';
import type { LearnerOutcome } from '../learnerSession.ts';
import { Miss, type Grader, type GradingContext } from './grader.ts';

// An earlier step's task checks, run against the same pieces built another way (e.g. exercise 10's
// stack): what that step's deploy() would have returned is given, and the Miss they throw is this
// step's, pointing at this step's file and task.

/** Stand-ins for the earlier step's other exported functions its checks call (a producer, a publisher). */
export type StandIns = Record<string, (...args: unknown[]) => Promise<unknown>>;

export interface EarlierChecks<K extends Step> {
  step: K;
  grader: Grader<K>;
  /** The earlier step's tasks to check, in order. */
  tasks: number[];
  /** What the earlier step's deploy() would have returned, and the contracts of the steps it builds on. */
  contracts: Partial<StepContracts>;
  standIns?: StandIns;
}

const returned = (value: unknown): LearnerOutcome => ({ kind: 'returned', value, created: [], awsMs: 0, ms: 0 });

/**
 * Runs the earlier step's checks, in order, with this run's AWS clients, namespace and observers. The
 * first Miss stops them; its "Look at" names this step's file and `task` (an asset beside the file,
 * such as an ASL file, stays named, with its place in it).
 */
export async function runEarlierChecks<K extends Step>(context: GradingContext, task: number, checks: EarlierChecks<K>): Promise<void> {
  const contractOf = <J extends Step>(step: J): StepContracts[J] => {
    const contract = checks.contracts[step];
    if (contract === undefined) throw new Error(`The checks of exercise ${checks.step} read the contract of exercise ${step}, which was not given.`);
    return contract as StepContracts[J];
  };
  const callStandIn = async (exportName: string, ...args: unknown[]): Promise<LearnerOutcome> => {
    const standIn = checks.standIns?.[exportName];
    if (!standIn) throw new Error(`The checks of exercise ${checks.step} call ${exportName}(), which has no stand-in.`);
    try {
      return returned(await standIn(...args));
    } catch (error) {
      return { kind: 'threw', message: `${(error as Error).name}: ${(error as Error).message}`, awsMs: 0, ms: 0 };
    }
  };
  const earlier: GradingContext<K> = {
    ...context,
    deployed: returned(contractOf(checks.step)) as GradingContext<K>['deployed'],
    contract: contractOf,
    callLearner: callStandIn,
    callLearnerAnsweredAsAws: (_answers, exportName, ...args) => callStandIn(exportName, ...args),
    deployWholeSystem: () => Promise.reject(new Error(`The checks of exercise ${checks.step} cannot deploy the whole system here.`)),
  };
  for (const id of checks.tasks) {
    const check = checks.grader.tasks[id];
    if (!check) throw new Error(`The grader of exercise ${checks.step} has no check for task ${id}.`);
    try {
      await check(earlier);
    } catch (error) {
      if (!(error instanceof Miss)) throw error;
      throw new Miss({ expected: error.expected, found: error.found, path: error.path, look: keptLook(context, task, error.look) });
    }
  }
}

/** An asset's place (a state of the ASL file) stays; the TODO of the earlier step's task becomes this task's (undefined: the runner names it). */
function keptLook(context: GradingContext, task: number, look: string | undefined): string | undefined {
  const where = look?.split('; instructions:')[0];
  const folder = shownPath(path.dirname(context.file));
  if (!where || where.startsWith(shownPath(context.file)) || !where.startsWith(`${folder}${path.sep}`)) return undefined;
  return `${where}; instructions: exercises/${exerciseDir(context.exercise)}/README.md, Task ${task}`;
}
