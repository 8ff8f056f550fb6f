import type { AwsClients } from '../aws/clients.ts';
import type { StartedLocalStack } from '../localstack/started.ts';
import type { Exercise } from '../track.ts';
import type { LearnerOutcome } from './learnerSession.ts';
import type { Observers } from './observe.ts';
import type { OrderPath } from './orderPath.ts';

/** A task check found something other than what the instructions ask for. */
export class Miss extends Error {
  readonly expected: string;
  readonly found: string;
  readonly look?: string;
  /** How far the test order got, when the check sent one. */
  readonly path?: OrderPath;

  constructor(details: { expected: string; found: string; look?: string; path?: OrderPath }) {
    super(`Expected ${details.expected}; found ${details.found}`);
    this.name = 'Miss';
    this.expected = details.expected;
    this.found = details.found;
    this.look = details.look;
    this.path = details.path;
  }
}

export interface GradingContext {
  exercise: Exercise;
  /** The exercise file graded (the learner's, or a reference solution); its assets are beside it. */
  file: string;
  namespace: string;
  /** `name('orders')` is the namespaced name the exercise's code should have used. */
  name(base: string): string;
  aws: AwsClients;
  localstack: StartedLocalStack;
  observers: Observers;
  /** What the learner's deploy() returned, threw, or why it could not run. */
  deployed: LearnerOutcome;
  /** What the reference solutions of earlier exercises returned, by exercise number. */
  earlier: Record<number, unknown>;
  /** Calls another exported function of the learner's file, e.g. a producer. */
  callLearner(exportName: string, ...args: unknown[]): Promise<LearnerOutcome>;
}

export type TaskCheck = (context: GradingContext) => Promise<void>;

export interface Grader {
  /** Before the learner's deploy, after earlier steps: observers, fixtures. */
  prepare?(context: Omit<GradingContext, 'deployed'>): Promise<void>;
  /** Arguments after `northPole` for the learner's deploy(), usually what earlier steps made. */
  deployArgs?(earlier: Record<number, unknown>): unknown[];
  /** One check per task of the exercise, by task id, run in order. */
  tasks: Record<number, TaskCheck>;
}

export function defineGrader(grader: Grader): Grader {
  return grader;
}

/** The value deploy() returned, or a Miss naming what went wrong instead. */
export function deployedValue<T>(context: GradingContext): T {
  const outcome = context.deployed;
  if (outcome.kind === 'returned' && outcome.value !== null && typeof outcome.value === 'object') return outcome.value as T;
  throw new Miss({
    expected: 'deploy() to return the object the instructions describe',
    found: outcome.kind === 'returned' ? `it returned ${JSON.stringify(outcome.value)}` : outcome.message,
  });
}
