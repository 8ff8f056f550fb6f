import type { AwsClients } from '../../aws/clients.ts';
import type { StartedLocalStack } from '../../localstack/started.ts';
import type { Order, Step, StepContracts } from '../../contracts.ts';
import type { Exercise } from '../../track.ts';
import type { AwsAnswers } from '../awsAnswers.ts';
import type { LearnerOutcome } from '../learnerSession.ts';
import type { Observers } from './observe.ts';
import type { OrderPath } from './orderPath.ts';

/** A task check found something other than what the instructions ask for. */
export class Miss extends Error {
  readonly expected: string;
  readonly found: string;
  readonly look?: string;
  /** The earlier task that built what this check found wrong: "Look at" then names that task's TODO. */
  readonly lookAtTask?: number;
  /** How far the test order got, when the check sent one. */
  readonly path?: OrderPath;

  constructor(details: { expected: string; found: string; look?: string; lookAtTask?: number; path?: OrderPath }) {
    super(`Expected ${details.expected}; found ${details.found}`);
    this.name = 'Miss';
    this.expected = shortened(details.expected);
    this.found = shortened(details.found);
    this.look = details.look;
    this.lookAtTask = details.lookAtTask;
    this.path = details.path;
  }
}

/** Longest Expected or Found a report shows: a miss of hundreds of events is read from its start. */
export const LONGEST_DETAIL = 1_200;

function shortened(text: string): string {
  if (text.length <= LONGEST_DETAIL) return text;
  const cut = text.lastIndexOf(' ', LONGEST_DETAIL);
  const kept = text.slice(0, cut > LONGEST_DETAIL / 2 ? cut : LONGEST_DETAIL);
  return `${kept} … (${text.length - kept.length} more characters)`;
}

export interface GradingContext<N extends Step = Step> {
  exercise: Exercise;
  /** The exercise file graded (the learner's, or a reference solution); its assets are beside it. */
  file: string;
  namespace: string;
  /** `name('orders')` is the namespaced name the exercise's code should have used. */
  name(base: string): string;
  aws: AwsClients;
  localstack: StartedLocalStack;
  observers: Observers;
  /** What the learner's deploy() returned (meant to be the step's contract: read it with deployedValue), threw, or why it could not run. */
  deployed: LearnerOutcome<StepContracts[N]>;
  /** What an earlier step this one builds on returned: its reference solution's deploy(), typed by its contract. */
  contract<K extends Step>(step: K): StepContracts[K];
  /** A line on the progress display, e.g. what a long wait is for. */
  say(line: string): void;
  /** Calls another exported function of the learner's file, e.g. a producer. */
  callLearner(exportName: string, ...args: unknown[]): Promise<LearnerOutcome>;
  /** The same, with some AWS calls answered as AWS would answer them (awsAnswers.ts): the outcome says what was answered. */
  callLearnerAnsweredAsAws(answers: AwsAnswers, exportName: string, ...args: unknown[]): Promise<LearnerOutcome>;
  /**
   * Deploys the whole system into a namespace of its own: the final version of every step before
   * this one (track.json's `replaces`), from the learner's files or, with --reference-steps or for a
   * reference solution, from the reference solutions; then this exercise's file. Once per run.
   */
  deployWholeSystem(): Promise<WholeSystem>;
  /** A line for the report under this task, e.g. counts and timings of a batch. */
  note(line: string): void;
}

/** A queue where orders end in one step's pieces: the whole-system batch counts what each one holds. */
export interface OrderSink {
  /** What it is in the story, e.g. "the workshop queue". */
  name: string;
  queueUrl: string;
  /** Whether this order should end here. */
  receives(order: Order): boolean;
  /**
   * "once": once per order however often it is placed or replayed (behind an idempotent consumer);
   * "every-make": once per order, and once more each time an elf rejected the gift and it was made again;
   * "every-event": once per OrderPlaced event that reaches its rule (a plain rule and a queue).
   */
  delivery: 'once' | 'every-make' | 'every-event';
  /** The rule's pattern keeps replayed events out (`"replay-name": [{ "exists": false }]`). */
  excludesReplays?: boolean;
}

export interface DeployedStep {
  exercise: Exercise;
  /** The file deployed, relative to the project. */
  file: string;
  from: 'yours' | 'reference';
  outcome: LearnerOutcome;
  /** For the learner's own file: whether its last grade passed. */
  passed?: boolean;
  sinks: OrderSink[];
}

export interface WholeSystem {
  namespace: string;
  /** Every step deployed, this exercise last; stops after the first that did not deploy. */
  steps: DeployedStep[];
  /** The first step whose deploy() did not return. */
  broken?: DeployedStep;
  /**
   * The learner's earlier steps that have not passed yet (their progress), in track order, when the
   * system is built from the learner's files: then nothing is deployed, and `steps` is empty.
   */
  unfinished?: Exercise[];
  /** What each step returned, by exercise number; a step's value also stands for the steps it replaces. */
  contracts: Partial<StepContracts>;
  /** What a step of the system returned (or the step that replaces it), typed by its contract. */
  contract<K extends Step>(step: K): StepContracts[K];
  /** Calls an exported function of this exercise's file in the system's namespace. */
  call(exportName: string, ...args: unknown[]): Promise<LearnerOutcome>;
  /** Calls an exported function of the deployed file of an earlier step (or of the step that replaces it), e.g. a worker. */
  callStep(number: number, exportName: string, ...args: unknown[]): Promise<LearnerOutcome>;
}

export type TaskCheck<N extends Step = Step> = (context: GradingContext<N>) => Promise<void>;

/** A service of the kit's own that a step's code connects to (the order tracker), running for one grade. */
export interface Fixture {
  /** What the learner's deploy() receives after the contracts of the steps it builds on. */
  value: unknown;
  close(): Promise<void>;
}

/**
 * One step's checks. The engine deploys the steps it builds on (track.json's `buildsOn`) and passes
 * what they returned to the learner's deploy(), in that order.
 */
export interface Grader<N extends Step = Step> {
  /** Before the learner's deploy, after earlier steps: observers, fixtures. */
  prepare?(context: Omit<GradingContext<N>, 'deployed'>): Promise<void>;
  /** A service the learner's deploy() connects to, started before it and closed when the grade ends; deploy() gets its value last. */
  fixture?(context: Omit<GradingContext<N>, 'deployed'>): Promise<Fixture>;
  /** The queues where orders end in this step's pieces, given what its deploy() returned. */
  sinks?(deployed: StepContracts[N]): OrderSink[];
  /** One check per task of the exercise, by task id, run in order. */
  tasks: Record<number, TaskCheck<N>>;
  /** The deadline of each call of the learner's code, where deploy() waits for more than its own calls (a CloudFormation stack). */
  deployTimeoutMs?: number;
}

/** `defineGrader<4>({ … })`: the checks of step 4, typed by its contract and the contracts of the steps it builds on. */
export function defineGrader<N extends Step>(grader: Grader<N>): Grader<N> {
  return grader;
}

/** The value deploy() returned, or a Miss naming what went wrong instead. */
export function deployedValue<N extends Step>(context: GradingContext<N>): StepContracts[N] {
  const outcome = context.deployed;
  if (outcome.kind === 'returned' && outcome.value !== null && typeof outcome.value === 'object') return outcome.value;
  throw new Miss({
    expected: 'deploy() to return the object the instructions describe',
    found: outcome.kind === 'returned' ? `it returned ${JSON.stringify(outcome.value)}` : outcome.message,
  });
}
