import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { INTEGRATIONS, stateMachineArn } from '../../kit/aws/arns.ts';
import { EventTypes, ORDERS_SOURCE, type HardenedFulfilment, type Order } from '../../kit/contracts.ts';
import type { Deadline } from '../../kit/grading/checks/deadline.ts';
import { aslFileProblem, handles, literalPaths, type Catcher, type Definition, type StateDefinition } from '../../kit/grading/checks/asl.ts';
import { ifExists } from '../../kit/grading/checks/evidence.ts';
import {
  EXECUTION_DEADLINE_MS,
  executedStates,
  explainFailure,
  failedState,
  orderLostAt,
  uncaughtOnAws,
  type ExecutedState,
  type Execution,
} from '../../kit/grading/checks/executions.ts';
import { Miss, type GradingContext, type OrderSink } from '../../kit/grading/checks/grader.ts';
import { lookAtAsset, lookAtTodo } from '../../kit/grading/checks/look.ts';
import type { BusEvent } from '../../kit/grading/checks/observe.ts';
import { OrderPath, stateHops } from '../../kit/grading/checks/orderPath.ts';
import { orderEvent } from './orders.ts';

// The fulfilment machine of exercises 4, 6 and 7: one ASL file beside the learner's code, deployed as
// np.name('fulfilment') and started by the rule np.name('start-fulfilment') for every OrderPlaced.

export const ASL_FILE = 'fulfilment.asl.json';

export interface Machine {
  arn: string;
  roleArn: string;
  /** The definition as deployed, placeholders filled. */
  text: string;
  definition: Definition;
}

export interface NamedState {
  name: string;
  state: StateDefinition;
}

export const aslPath = (context: Pick<GradingContext, 'file'>) => path.join(path.dirname(context.file), ASL_FILE);

/** The ASL file, at a state of it when one is named. */
export const lookAtState = (context: Pick<GradingContext, 'exercise' | 'file'>, task: number, state?: string) =>
  lookAtAsset(context, ASL_FILE, task, state && `the state "${state}"`);

/** The ASL file's text, or undefined when there is none. */
export function aslText(context: Pick<GradingContext, 'file'>): string | undefined {
  try {
    return readFileSync(aslPath(context), 'utf8');
  } catch {
    return undefined;
  }
}

/** The machine as deployed, after the ASL file beside the learner's code passed asl-validator and every placeholder was filled. */
export async function fulfilmentMachine(context: GradingContext, task: number): Promise<Machine> {
  const problem = aslFileProblem(aslText(context));
  if (problem) {
    throw new Miss({
      expected: `${ASL_FILE} to be a valid state machine (checked with asl-validator)`,
      found: problem.found,
      look: lookAtState(context, task, problem.state),
    });
  }
  const arn = stateMachineArn(context.name('fulfilment'));
  const machine = await ifExists(() => context.aws.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })));
  if (!machine) {
    throw new Miss({
      expected: `a state machine named ${context.name('fulfilment')} (np.name('fulfilment')), created with CreateStateMachineCommand from ${ASL_FILE}`,
      found: 'no state machine with that name',
      look: lookAtTodo(context, task),
    });
  }
  const placeholders = [...new Set(machine.definition!.match(/\$\{\w+\}/g) ?? [])];
  if (placeholders.length > 0) {
    throw new Miss({
      expected: 'deploy() to fill in every placeholder of the ASL file before CreateStateMachine',
      found: `the deployed definition still says ${placeholders.join(', ')}`,
      look: lookAtTodo(context, task),
    });
  }
  const definition = JSON.parse(machine.definition!) as Definition;
  literalPathMiss(context, definition, task);
  return { arn, roleArn: machine.roleArn!, text: machine.definition!, definition };
}

/** A value that reads like a path under a key without `.$`: it goes on as the text itself, on AWS as on LocalStack. */
function literalPathMiss(context: GradingContext, definition: Definition, task: number): void {
  const [literal] = literalPaths(definition);
  if (!literal) return;
  const key = literal.field.split('.').at(-1)!;
  throw new Miss({
    expected: `a key that takes its value from a path to end in ".$": "${key}.$": "${literal.value}"`,
    found: `"${key}": "${literal.value}" in ${literal.field} of "${literal.state}": without ".$" the value is the text "${literal.value}" itself, not what the path finds`,
    look: lookAtState(context, task, literal.state),
  });
}

export const statesOf = (machine: Pick<Machine, 'definition'>): NamedState[] =>
  Object.entries(machine.definition.States ?? {}).map(([name, state]) => ({ name, state }));

/** The state that sends to a queue with plain sendMessage (the workshop, the attention queue), if any. */
export const stateSendingTo = (machine: Pick<Machine, 'definition'>, url: string): NamedState | undefined =>
  statesOf(machine).find(({ state }) => state.Resource === INTEGRATIONS.sendMessage && state.Parameters?.QueueUrl === url);

/** An error list as ASL writes it. */
export const errorsText = (names: string[] | undefined) => JSON.stringify(names ?? []);

/** The states an execution went through, as one line: Naughty or nice? → Toy → Send to the workshop ✗. */
export const route = (states: ExecutedState[]) => states.map((state) => `${state.name}${state.error ? ' ✗' : ''}`).join(' → ');

/** The order put on the bus, and what the rules on it made of the event: the way to the machine. */
export async function pathToMachine(context: GradingContext, order: Order, about = ''): Promise<OrderPath> {
  const { busName } = context.contract(1);
  const trail = new OrderPath(order.orderId).reached(`${EventTypes.OrderPlaced} put on the bus ${busName}`, `source ${ORDERS_SOURCE}${about}`);
  await trail.rules(context.aws, busName, JSON.parse(orderEvent(order)) as BusEvent, {
    ownPrefix: context.name(''),
    expected: [context.name('start-fulfilment')],
  });
  return trail;
}

/** The order's way to the machine and through it, state by state. */
export async function executionPath(
  context: GradingContext,
  order: Order,
  execution: Execution | undefined,
  states: ExecutedState[],
  about = '',
  waited?: Deadline,
): Promise<OrderPath> {
  const trail = await pathToMachine(context, order, about);
  if (!execution) return trail.missed(`an execution of ${context.name('fulfilment')}`, `none started ${waitedFor(waited)}`);
  const hops = stateHops(states);
  if (execution.status !== 'SUCCEEDED' && !hops.some((hop) => hop.kind === 'missed')) hops.push({ kind: 'missed', what: `the execution ${execution.status}` });
  return trail.reached(`execution ${execution.name}`, execution.status, hops);
}

export interface ExecutionMiss {
  order: Order;
  execution?: Execution;
  expected: string;
  /** What was found, when the check knows better than the execution's own end. */
  found?: string;
  task: number;
  /** The state to look at, when the failed one is not the cause. */
  state?: string;
  /** The order's path, when the check adds to it (e.g. a queue after the machine). */
  path?: OrderPath;
  /** The wait for the execution, as it happened (ExecutionFinder's lastWait). */
  waited?: Deadline;
}

/** A wait for executions in a message: as it happened when known, else as asked. */
export const waitedFor = (waited: Deadline | undefined) => waited?.within() ?? `within ${EXECUTION_DEADLINE_MS / 1000} s`;

/** A Miss about one order's execution, with what its states did and where the order was lost. */
export async function executionMiss(context: GradingContext, miss: ExecutionMiss): Promise<Miss> {
  const { order, execution } = miss;
  const states = execution ? await executedStates(context.aws, execution.executionArn) : [];
  const failed = failedState(states);
  const told =
    miss.found ??
    (!execution
      ? `no execution for it ${waitedFor(miss.waited)}: is the rule start-fulfilment still there?`
      : execution.status === 'RUNNING'
        ? `it was still running, in the state "${states.at(-1)?.name}"; the states so far: ${route(states)}`
        : `it ${execution.status.toLowerCase().replace('_', ' ')}${execution.status === 'SUCCEEDED' ? '' : ` in the state "${failed?.name}": ${explainFailure(failed?.error ?? execution.error, failed?.cause ?? execution.cause)}`}; the states: ${route(states)}`);
  // A state that put its result in place of the order is the cause; the state that then missed $.detail only shows it.
  const lost = execution?.status === 'FAILED' || states.some((state) => uncaughtOnAws(state)) ? orderLostAt(states) : undefined;
  const lostOrder = lost
    ? `. "${lost.name}" replaced the order with its own output ${JSON.stringify(lost.output)}: without a "ResultPath" (e.g. "$.error", or null) a state's result takes the place of its whole input, and the states after it find no $.detail`
    : '';
  return new Miss({
    expected: miss.expected,
    found: `${told}${lostOrder}`,
    look: lookAtState(context, miss.task, lost?.name ?? miss.state ?? failed?.name),
    path: miss.path ?? (await executionPath(context, order, execution, states, '', miss.waited)),
  });
}

/** The Catch of a state that takes `error`, checked to keep the order beside the error and go on to a state that exists. */
export function catcherFor(context: GradingContext, machine: Machine, check: NamedState, error: string, task: number, why: string): Catcher {
  const look = lookAtState(context, task, check.name);
  const catcher = (check.state.Catch ?? []).find((candidate) => handles(candidate.ErrorEquals, error));
  if (!catcher) {
    const found = check.state.Catch?.length
      ? `Catch with ErrorEquals ${check.state.Catch.map((candidate) => errorsText(candidate.ErrorEquals)).join(' and ')}, none of which takes ${error}`
      : 'no Catch on that state';
    throw new Miss({ expected: `a Catch on "${check.name}" for "${error}": ${why}`, found, look });
  }
  if (catcher.ResultPath === undefined || catcher.ResultPath === '$' || catcher.ResultPath === null) {
    throw new Miss({
      expected: `the Catch for ${error} to keep the order and put the error beside it: "ResultPath": "$.error"`,
      found: `${JSON.stringify(catcher)}: ${catcher.ResultPath === null ? 'the error is thrown away, and the people who look at the order will not know why' : 'the error replaces the whole input, and the states after it find no $.detail'}`,
      look,
    });
  }
  if (!catcher.Next || !machine.definition.States?.[catcher.Next]) {
    throw new Miss({ expected: `the Catch for ${error} to go on to a state of the machine`, found: `"Next": ${JSON.stringify(catcher.Next)}`, look });
  }
  return catcher;
}

/** Where no order of the batch should end, from exercise 6 on: a person's attention, and the dead letters. */
export const failureSinks = (workflow: HardenedFulfilment): OrderSink[] => [
  { name: 'the orders needing attention', queueUrl: workflow.attentionQueueUrl, receives: () => false, delivery: 'once' },
  { name: 'the dead-letter queue', queueUrl: workflow.deadLetterQueueUrl, receives: () => false, delivery: 'once' },
];
