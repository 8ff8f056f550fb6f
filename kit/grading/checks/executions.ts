import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../aws/clients.ts';
import { AWS_VS_LOCALSTACK } from './awsVsLocalStack.ts';
import { Deadline } from './deadline.ts';
import { itemProblems } from './dynamoDbItems.ts';

/** How long an execution may take to start and finish before "it did not run" is the verdict, on an idle LocalStack (a Deadline waits longer for a slow one). */
export const EXECUTION_DEADLINE_MS = 10_000;
/** How long executions that did start may run before "it never ended" is the verdict: a busy machine slows them, it does not lose them. */
export const RUNNING_DEADLINE_MS = 60_000;
const POLL_INTERVAL_MS = 100;

/** One execution of a state machine, with the input it was started with. */
export interface Execution {
  executionArn: string;
  name: string;
  status: string;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
}

/** One state an execution entered, as its history tells it. */
export interface ExecutedState {
  name: string;
  /** Pass, Task, Choice, ... */
  type: string;
  input?: unknown;
  output?: unknown;
  /** For a Task: which integration, e.g. "dynamodb:putItem", and the parameters it rendered. */
  task?: { resource: string; parameters?: unknown };
  /** How many times a Task was scheduled: 1, or more when a Retry tried it again. */
  attempts: number;
  /** Every failed attempt of a Task, in order, whether a Retry or Catch handled it or not. */
  failures: Failure[];
  /**
   * For a task that waits for a callback (.waitForTaskToken): it handed out its token (TaskSubmitted),
   * and how the wait ended: TaskSucceeded or TaskFailed (someone answered with the token), TaskTimedOut,
   * or no answer yet.
   */
  token?: { answer?: 'TaskSucceeded' | 'TaskFailed' | 'TaskTimedOut' };
  /** The failure a Catch took the state out with (it exited, after a failed last attempt). */
  caught?: Failure;
  /** The failure the state ended the execution with: no Retry or Catch handled it. */
  error?: string;
  cause?: string;
}

export interface Failure {
  error?: string;
  cause?: string;
}

const parsed = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

function asExecution(described: DescribeExecutionCommandOutput): Execution {
  return {
    executionArn: described.executionArn!,
    name: described.name!,
    status: described.status!,
    input: parsed(described.input),
    output: parsed(described.output),
    error: described.error,
    cause: described.cause,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The orderId an execution's input carries: the detail of an OrderPlaced event, or an order itself. */
export function orderIdOf(input: unknown): string | undefined {
  const value = input as { detail?: { orderId?: unknown }; orderId?: unknown } | undefined;
  const orderId = value?.detail?.orderId ?? value?.orderId;
  return typeof orderId === 'string' ? orderId : undefined;
}

/**
 * The executions of one state machine, found by what they were started for: an order, or what
 * `idOf` reads from an input (a letter's key). Inputs never change, so each execution is described
 * once; only running ones are described again.
 */
export class ExecutionFinder {
  private readonly known = new Map<string, Execution>();
  /** The latest wait, as it happened: its within() names it in a message. */
  lastWait?: Deadline;

  constructor(
    private readonly aws: AwsClients,
    readonly stateMachineArn: string,
    private readonly idOf: (input: unknown) => string | undefined = orderIdOf,
  ) {}

  /** Every execution seen so far, newest first as Step Functions lists them. */
  get seen(): Execution[] {
    return [...this.known.values()];
  }

  /**
   * Waits until an execution for each orderId has started and stopped running, or the deadline
   * passes. Orders with no execution by then are missing from the map; a running one is returned running.
   */
  async waitForOrders(orderIds: string[], deadline: number | Deadline = EXECUTION_DEADLINE_MS): Promise<Map<string, Execution>> {
    const wait = (this.lastWait = Deadline.of(deadline));
    for (;;) {
      const found = await wait.call(() => this.refresh(orderIds));
      const settled = orderIds.every((orderId) => found.has(orderId) && found.get(orderId)!.status !== 'RUNNING');
      if (settled || wait.passed()) return found;
      await sleep(POLL_INTERVAL_MS);
    }
  }

  /**
   * Waits for an execution of each id to start (within `startMs`), then for those that started to
   * end (within `runMs`, which ends as soon as they do). Ids with no execution are missing from the map.
   */
  async waitUntilSettled(ids: string[], { startMs = EXECUTION_DEADLINE_MS, runMs = RUNNING_DEADLINE_MS } = {}): Promise<Map<string, Execution>> {
    const start = new Deadline(startMs);
    let found = await start.call(() => this.refresh(ids));
    while (!ids.every((id) => found.has(id)) && !start.passed()) {
      await sleep(POLL_INTERVAL_MS);
      found = await start.call(() => this.refresh(ids));
    }
    return this.waitForOrders([...found.keys()], runMs);
  }

  /**
   * Waits until `count` executions for the order have started (and, when `settled`, stopped running),
   * or the deadline passes: a duplicate OrderPlaced starts one execution each. Returns those found, oldest first.
   */
  async waitForAll(orderId: string, count: number, { deadlineMs = EXECUTION_DEADLINE_MS, settled = true } = {}): Promise<Execution[]> {
    const wait = (this.lastWait = new Deadline(deadlineMs));
    for (;;) {
      await wait.call(() => this.refresh([orderId]));
      const found = this.seen.filter((execution) => this.idOf(execution.input) === orderId).reverse();
      const done = found.length >= count && (!settled || found.every((execution) => execution.status !== 'RUNNING'));
      if (done || wait.passed()) return found;
      await sleep(POLL_INTERVAL_MS);
    }
  }

  private async refresh(orderIds: string[]): Promise<Map<string, Execution>> {
    const { executions = [] } = await this.aws.sfn.send(new ListExecutionsCommand({ stateMachineArn: this.stateMachineArn, maxResults: 100 }));
    await Promise.all(
      executions
        .filter((summary) => {
          const known = this.known.get(summary.executionArn!);
          return !known || known.status === 'RUNNING';
        })
        .map(async ({ executionArn }) => {
          this.known.set(executionArn!, asExecution(await this.aws.sfn.send(new DescribeExecutionCommand({ executionArn }))));
        }),
    );
    const found = new Map<string, Execution>();
    for (const execution of this.known.values()) {
      const orderId = this.idOf(execution.input);
      if (orderId && orderIds.includes(orderId) && !found.has(orderId)) found.set(orderId, execution);
    }
    return found;
  }
}

const STATE_TYPES = /^(Choice|Fail|Map|Parallel|Pass|Succeed|Task|Wait)State(Entered|Exited)$/;

/** The states an execution went through, in order, each with its input, output, task and error. */
export async function executedStates(aws: AwsClients, executionArn: string): Promise<ExecutedState[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);

  const states: ExecutedState[] = [];
  const current = () => states.at(-1);
  // Whether the current state's latest attempt failed: an exit after one means a Catch took it.
  let lastAttemptFailed = false;
  for (const event of events) {
    const stateEvent = STATE_TYPES.exec(event.type ?? '');
    const state = current();
    if (stateEvent?.[2] === 'Entered') {
      states.push({
        name: event.stateEnteredEventDetails?.name ?? '?',
        type: stateEvent[1],
        input: parsed(event.stateEnteredEventDetails?.input),
        attempts: 0,
        failures: [],
      });
      lastAttemptFailed = false;
    } else if (stateEvent?.[2] === 'Exited' && state) {
      state.output = parsed(event.stateExitedEventDetails?.output);
      if (lastAttemptFailed) state.caught = state.failures.at(-1);
    } else if (event.type === 'TaskScheduled' && state) {
      const details = event.taskScheduledEventDetails;
      state.task = { resource: `${details?.resourceType}:${details?.resource}`, parameters: parsed(details?.parameters) };
      state.attempts += 1;
      lastAttemptFailed = false;
    } else if (event.type === 'TaskSubmitted' && state?.task?.resource.endsWith('.waitForTaskToken')) {
      state.token = {};
    } else {
      if (state?.token && !state.token.answer && (event.type === 'TaskSucceeded' || event.type === 'TaskFailed' || event.type === 'TaskTimedOut'))
        state.token.answer = event.type;
      const taskFailure = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails;
      const executionFailure = event.executionFailedEventDetails ?? event.executionTimedOutEventDetails;
      if (taskFailure && state) {
        state.failures.push({ error: taskFailure.error, cause: taskFailure.cause });
        lastAttemptFailed = true;
      }
      if (executionFailure && state && state.output === undefined && state.error === undefined) {
        const failure = state.failures.at(-1) ?? executionFailure;
        state.error = failure.error;
        state.cause = failure.cause;
      }
    }
  }
  return states;
}

const times = (count: number) => (count === 1 ? 'once' : `${count}×`);

/** Errors LocalStack lets a States.ALL Catch take, and AWS never does: the execution fails there on AWS. */
const UNCATCHABLE_ON_AWS = ['States.Runtime', 'States.DataLimitExceeded'];

/** What AWS does where this state's Catch took an error that AWS's States.ALL never catches. */
export function uncaughtOnAws(state: ExecutedState): string | undefined {
  const error = state.caught?.error;
  if (!error || !UNCATCHABLE_ON_AWS.includes(error)) return undefined;
  return `LocalStack's Catch took ${error} here; on AWS "States.ALL" never catches ${error}, and the execution fails in this state (${AWS_VS_LOCALSTACK}): ${explainFailure(error, state.caught?.cause)}`;
}

/**
 * A DynamoDB task whose rendered parameters hold a value DynamoDB's API would refuse, e.g. {"N": 1}
 * from "N.$": "$.detail.quantity": LocalStack stores it, AWS fails the task.
 */
export function refusedByAws(state: ExecutedState): string | undefined {
  if (!state.task?.resource.startsWith('dynamodb:')) return undefined;
  const parameters = (state.task.parameters ?? {}) as Record<string, unknown>;
  const problems = ['Item', 'Key', 'ExpressionAttributeValues'].flatMap((field) =>
    parameters[field] === undefined ? [] : itemProblems(parameters[field]).map((problem) => `${field}.${problem}`),
  );
  if (problems.length === 0) return undefined;
  return `it sent ${problems.join('; ')}. LocalStack accepts this and goes on; AWS would fail the task (States.Runtime: "The value for the field 'N' must be a STRING") and the execution with it: a number from the input goes through "States.JsonToString(…)" (${AWS_VS_LOCALSTACK})`;
}

/**
 * The first state that replaced the order with something else: its input carried the order
 * (detail) and its output does not, e.g. a Pass or a Catch without a ResultPath.
 */
export function orderLostAt(states: ExecutedState[]): ExecutedState | undefined {
  const carries = (value: unknown) => !!value && typeof value === 'object' && 'detail' in value;
  // The last state's output is the execution's: an End state need not carry the order on.
  return states.slice(0, -1).find((state) => state.output !== undefined && carries(state.input) && !carries(state.output));
}

/**
 * What the attempts of a state came to, when there was more than one or one failed:
 * "failed SQS.SdkClientException, retried 1×, then succeeded".
 */
export function describeAttempts(state: ExecutedState): string | undefined {
  if (state.failures.length === 0) return undefined;
  const names = [...new Set(state.failures.map((failure) => failure.error ?? 'an error'))].join(', ');
  const failed = `failed ${names}${state.failures.length > 1 ? ` ${times(state.failures.length)}` : ''}`;
  const retried = state.attempts > 1 ? `, retried ${times(state.attempts - 1)}` : ', not retried';
  if (state.caught) return `${failed}${retried}, then caught (${state.caught.error})${uncaughtOnAws(state) ? `: ${uncaughtOnAws(state)}` : ''}`;
  if (state.output !== undefined) return `${failed}${retried}, then succeeded`;
  return `${failed}${retried}${state.error ? ', and the execution failed here' : ', still trying'}`;
}

/** How a callback task's wait ended, in words: "its token answered with SendTaskSuccess". */
export function describeToken(state: ExecutedState): string | undefined {
  if (!state.token) return undefined;
  switch (state.token.answer) {
    case 'TaskSucceeded':
      return 'sent its task token and waited: answered with SendTaskSuccess';
    case 'TaskFailed':
      return `sent its task token and waited: answered with SendTaskFailure (${state.failures.at(-1)?.error}${state.failures.at(-1)?.cause ? `: ${state.failures.at(-1)?.cause}` : ''})`;
    case 'TaskTimedOut':
      return 'sent its task token and waited: no answer before TimeoutSeconds (States.Timeout)';
    default:
      return 'sent its task token and is still waiting for an answer';
  }
}

/**
 * Follows one execution's history until `until` holds for its states, or it stops, or the deadline
 * passes; returns the states as last read. A grader uses it to act at a moment of an execution, e.g.
 * to bring a queue back once the first attempt to send to it has failed.
 */
export async function watchStates(
  aws: AwsClients,
  executionArn: string,
  until: (states: ExecutedState[]) => boolean,
  deadlineMs = EXECUTION_DEADLINE_MS,
): Promise<ExecutedState[]> {
  const wait = new Deadline(deadlineMs);
  for (;;) {
    const states = await wait.call(() => executedStates(aws, executionArn));
    if (until(states) || wait.passed()) return states;
    const { status } = await wait.call(() => aws.sfn.send(new DescribeExecutionCommand({ executionArn })));
    if (status !== 'RUNNING') return executedStates(aws, executionArn);
    await sleep(POLL_INTERVAL_MS);
  }
}

/** The state an execution failed in: the one with an error, or else the last one entered. */
export function failedState(states: ExecutedState[]): ExecutedState | undefined {
  return states.find((state) => state.error !== undefined) ?? states.at(-1);
}

const fieldsOf = (json: string): string => {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' ? Object.keys(value).join(', ') : json;
  } catch {
    return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  }
};

/**
 * What an error and cause mean, in words that point at the definition. LocalStack reports a path
 * that finds nothing as States.Runtime with a long cause that quotes the whole input; AWS says the
 * same in other words. Either way the learner should look at that path and at what the input holds.
 */
export function explainFailure(error: string | undefined, cause: string | undefined): string {
  const text = (cause ?? '').replace(/^An error occurred while executing the state '[^']*' \(entered at the event id #\d+\)\.\s*/, '');
  const missingPath = /The JSONPath '([^']+)'(?: specified for the field '([^']+)')? could not be found in the input '([\s\S]*)'$/.exec(text);
  if (missingPath) {
    const [, jsonPath, field, input] = missingPath;
    return `the path ${jsonPath}${field && field !== 'ArgumentJsonPath' ? ` (in "${field}")` : ''} finds nothing in the state's input, whose fields are ${fieldsOf(input)}`;
  }
  const noResults = /Invalid path '([^']+)' : No results for path/.exec(text);
  if (noResults) return `the path ${noResults[1]} (an InputPath, OutputPath or ResultSelector) finds nothing in the state's input`;
  const shown = text.length > 300 ? `${text.slice(0, 300)}…` : text;
  return `${error ?? 'an error'}${shown ? `: ${shown}` : ''}`;
}
