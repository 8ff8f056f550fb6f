import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { INTEGRATIONS, queueArn, stateMachineArn } from '../kit/aws/arns.ts';
import { QUALITY_REJECTED, type Inspection, type Order, type QualityCheckedFulfilment } from '../kit/contracts.ts';
import { conditionsIn, handles, reachable, unguardedVariables, type Condition } from '../kit/grading/checks/asl.ts';
import type { Deadline } from '../kit/grading/checks/deadline.ts';
import { ifExists } from '../kit/grading/checks/evidence.ts';
import { ExecutionFinder, describeToken, executedStates, watchStates, type ExecutedState, type Execution } from '../kit/grading/checks/executions.ts';
import { Miss, defineGrader, deployedValue, type GradingContext } from '../kit/grading/checks/grader.ts';
import { lookAtLine, lookAtTodo } from '../kit/grading/checks/look.ts';
import { receiveUntil, type Observers } from '../kit/grading/checks/observe.ts';
import { OrderPath } from '../kit/grading/checks/orderPath.ts';
import { parseBody, queueDepth, queueUrl } from '../kit/grading/checks/queues.ts';
import { checkGrants, namespacedRole } from '../kit/grading/checks/roles.ts';
import {
  catcherFor,
  executionMiss,
  failureSinks,
  executionPath,
  fulfilmentMachine,
  lookAtState,
  route,
  stateSendingTo,
  statesOf,
  type ExecutionMiss,
  type Machine,
  type NamedState,
} from './shared/fulfilment.ts';
import { carriedOrderId, putOrders } from './shared/orders.ts';

/**
 * TimeoutSeconds that keep a grade short and still leave the elf time to answer when LocalStack is
 * busy (measured: under 0.1 s alone, about 2 s inside exercise 8's batch on a loaded two-core machine);
 * the instructions say what AWS would use.
 */
const TIMEOUT_BOUNDS = [10, 60] as const;
/** How long the grader keeps the unanswered order's message hidden: longer than any grade. */
const HOLD_SECONDS = 60;

/** The grader's orders, one per path through the quality check, placed together so that their waits overlap. */
interface Orders {
  /** Not fragile: never waits for an elf. */
  plain: Order;
  /** "fragile": false, the Choice's other sturdy case: never waits for an elf either. */
  notFragile: Order;
  /** Fragile, approved at the first look. */
  approved: Order;
  /** Fragile, rejected once, remade, then approved. */
  remade: Order;
  /** Fragile, rejected twice: a person takes over. */
  rejectedTwice: Order;
  /** Fragile, and the elf who took its message never answers. */
  unanswered: Order;
}

/** One grading run's orders, its executions, and the message the grader holds as the elf who never answers. */
interface Run {
  orders: Orders;
  finder: ExecutionFinder;
  held?: Message;
  /** Every message received from the attention queue so far: receiving deletes, so later checks look here too. */
  parked: unknown[];
}

const runs = new WeakMap<Observers, Run>();

/** The state that asks the elves: a waitForTaskToken task that sends to the quality-check queue. */
function qualityCheckState(context: GradingContext, machine: Machine, url: string, task: number): NamedState {
  const found = statesOf(machine).find(({ state }) => state.Resource === INTEGRATIONS.sendMessageForToken && state.Parameters?.QueueUrl === url);
  if (found) return found;
  const plain = statesOf(machine).find(({ state }) => state.Resource === INTEGRATIONS.sendMessage && state.Parameters?.QueueUrl === url);
  throw new Miss({
    expected: `a Task state with "Resource": "${INTEGRATIONS.sendMessageForToken}" and "QueueUrl": "\${QualityCheckQueueUrl}" (${url} once deployed)`,
    found: plain
      ? `"${plain.name}" sends to the quality-check queue with "Resource": "${INTEGRATIONS.sendMessage}": the message goes and the execution moves on at once, before any elf has looked. .waitForTaskToken makes it wait for the answer`
      : `no state sends to the quality-check queue${statesOf(machine).some(({ state }) => state.Resource === INTEGRATIONS.sendMessageForToken) ? ' (a waitForTaskToken task sends elsewhere: "${QualityCheckQueueUrl}"?)' : ''}`,
    look: lookAtState(context, task, plain?.name),
  });
}

function gradersOrders(context: GradingContext): Orders {
  const order = (prefix: string, gift: string, fragile?: boolean): Order => ({
    orderId: `${prefix}-${context.namespace}`,
    child: 'Noelle',
    gift,
    quantity: 1,
    list: 'nice',
    ...(fragile === undefined ? {} : { fragile }),
  });
  return {
    plain: order('sturdy', 'wooden train'),
    notFragile: order('tin', 'tin soldier', false),
    approved: order('approved', 'glass bauble', true),
    remade: order('remade', 'glass angel', true),
    rejectedTwice: order('rejected', 'crystal sleigh', true),
    unanswered: order('unanswered', 'glass reindeer', true),
  };
}

function runOf(context: GradingContext): Run {
  const run = runs.get(context.observers);
  if (!run)
    throw new Miss({ expected: "the grader's orders to have been placed by the check of Task 2", found: 'they were not', look: lookAtState(context, 2) });
  return run;
}

/** The order's way to the machine and through it, then what is on the quality-check queue. */
async function qualityPath(context: GradingContext, order: Order, execution: Execution | undefined, waited?: Deadline): Promise<OrderPath> {
  const states = execution ? await executedStates(context.aws, execution.executionArn) : [];
  const trail = await executionPath(context, order, execution, states, order.fragile ? ', fragile' : '', waited);
  const url = (await ifExists(() => context.aws.sqs.send(new GetQueueUrlCommand({ QueueName: context.name('quality-check') }))))?.QueueUrl;
  if (url) {
    const depth = await queueDepth(context, url);
    const held = runs.get(context.observers)?.held ? ', one of them held by the grader as the elf who never answers' : '';
    trail.reached(`the queue ${context.name('quality-check')}`, `${depth.visible} message(s) waiting, ${depth.inFlight} received and not deleted${held}`);
  }
  return trail;
}

/** A Miss about one order's execution, with its states, its token's answer and the queue. */
const qualityMiss = async (context: GradingContext, miss: Omit<ExecutionMiss, 'path'>) => {
  const waited = miss.waited ?? runs.get(context.observers)?.finder.lastWait;
  return executionMiss(context, { ...miss, waited, path: await qualityPath(context, miss.order, miss.execution, waited) });
};

/** Waits for the order's execution to stop; the deadline allows for a quality check that times out. */
async function settled(context: GradingContext, run: Run, order: Order, timeoutSeconds: number): Promise<{ execution?: Execution; states: ExecutedState[] }> {
  const [execution] = await run.finder.waitForAll(order.orderId, 1, { deadlineMs: timeoutSeconds * 1000 + 10_000 });
  return { execution, states: execution ? await executedStates(context.aws, execution.executionArn) : [] };
}

/** Waits until the order's execution has handed out its `count`th token, or stopped. */
async function tokenSubmitted(
  context: GradingContext,
  run: Run,
  order: Order,
  checkName: string,
  count: number,
): Promise<{ execution?: Execution; states: ExecutedState[] }> {
  const [execution] = await run.finder.waitForAll(order.orderId, 1, { settled: false });
  if (!execution) return { states: [] };
  const states = await watchStates(
    context.aws,
    execution.executionArn,
    (seen) => seen.filter((state) => state.name === checkName && state.token).length >= count,
  );
  return { execution, states };
}

const checksOf = (states: ExecutedState[], checkName: string) => states.filter((state) => state.name === checkName);

function timeoutOf(context: GradingContext, check: NamedState): number {
  return Number((check.state as { TimeoutSeconds?: number }).TimeoutSeconds ?? TIMEOUT_BOUNDS[1]);
}

/** What one round of the learner's elf reports it answered. */
interface Answered {
  approved: string[];
  rejected: string[];
}

async function callElf(context: GradingContext, workflow: QualityCheckedFulfilment, bench: Record<string, Inspection>, task: number): Promise<unknown> {
  const outcome = await context.callLearner('qualityElf', workflow, bench);
  if (outcome.kind !== 'returned') {
    const line = outcome.kind === 'threw' || outcome.kind === 'timeout' ? outcome.line : undefined;
    const look = line ? lookAtLine(context, task, line, 'qualityElf()') : lookAtTodo(context, task);
    throw new Miss({
      expected: `qualityElf(np, workflow, bench) to answer the gifts on its bench (${Object.keys(bench).join(', ')})`,
      found: outcome.message,
      look,
    });
  }
  return outcome.value;
}

/** The round's report must name what it answered: Christmas Eve's bench (exercise 8) follows the gifts by it. */
function checkReport(context: GradingContext, returned: unknown, wanted: Answered, task: number): void {
  const listed = (list: unknown, ids: string[]) => Array.isArray(list) && ids.every((id) => list.includes(id));
  const report = returned as Partial<Answered> | null;
  if (!listed(report?.approved, wanted.approved) || !listed(report?.rejected, wanted.rejected)) {
    throw new Miss({
      expected: `qualityElf to return the orderIds it answered: { approved: [${wanted.approved.join(', ')}], rejected: [${wanted.rejected.join(', ')}] }`,
      found: `it returned ${JSON.stringify(returned)}`,
      look: lookAtTodo(context, task),
    });
  }
}

/** The message on the attention queue for an order, with the error that sent it there. */
async function parkedMessage(context: GradingContext, run: Run, order: Order): Promise<{ message?: unknown; seen: unknown[] }> {
  const attentionUrl = await queueUrl(context, 'orders-needing-attention', 5);
  const message = await receiveUntil(context.aws, attentionUrl, parseBody, (body) => carriedOrderId(body) === order.orderId, run.parked, 2_000);
  return { message, seen: run.parked.filter((body) => carriedOrderId(body) !== order.orderId) };
}

const errorOf = (message: unknown) => (message as { error?: { Error?: string; Cause?: string } } | undefined)?.error;

async function qualityCheckQueue(context: GradingContext<7>): Promise<void> {
  await queueUrl(context, 'quality-check', 1);
  const qualityArn = queueArn(context.name('quality-check'));
  await checkGrants(
    context,
    await namespacedRole(context, 'fulfilment'),
    [
      {
        action: 'sqs:SendMessage',
        resource: qualityArn,
        what: 'the quality-check queue',
        why: 'on AWS the quality check could not send without it',
        other: queueArn(context.name('another-queue')),
      },
    ],
    lookAtTodo(context, 1),
  );
}

async function fragileGiftsWait(context: GradingContext<7>): Promise<void> {
  const machine = await fulfilmentMachine(context, 2);
  const qualityUrl = await queueUrl(context, 'quality-check', 2);
  const check = qualityCheckState(context, machine, qualityUrl, 2);
  const look = lookAtState(context, 2, check.name);
  const body = check.state.Parameters?.MessageBody as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || body['taskToken.$'] !== '$$.Task.Token' || body['order.$'] !== '$.detail') {
    const tokenless = !JSON.stringify(body ?? null).includes('$$.Task.Token');
    throw new Miss({
      expected: `"${check.name}" to send the elves a QualityCheckRequest (kit/contracts.ts): "MessageBody": { "taskToken.$": "$$.Task.Token", "order.$": "$.detail" }`,
      found: `"MessageBody": ${JSON.stringify(body)}${tokenless ? ': without the task token, no elf can ever answer, and the execution waits until it times out' : ''}`,
      look,
    });
  }
  const timeout = (check.state as { TimeoutSeconds?: number }).TimeoutSeconds;
  if (timeout === undefined || timeout < TIMEOUT_BOUNDS[0] || timeout > TIMEOUT_BOUNDS[1]) {
    throw new Miss({
      expected: `"TimeoutSeconds" between ${TIMEOUT_BOUNDS[0]} and ${TIMEOUT_BOUNDS[1]} on "${check.name}" in this workshop (the instructions say what you would choose on AWS)`,
      found: timeout === undefined ? 'no TimeoutSeconds: a task that waits for a token waits up to a year when no one answers' : `"TimeoutSeconds": ${timeout}`,
      look,
    });
  }
  if (check.state.ResultPath === undefined || check.state.ResultPath === '$') {
    throw new Miss({
      expected: `"${check.name}" to keep the order: "ResultPath": "$.qualityCheck" puts the elf's answer beside it`,
      found: 'no ResultPath: the answer replaces the whole input, and "Announce OrderFulfilled" finds no $.detail',
      look,
    });
  }
  // The Choice that picks fragile gifts must ask whether the field is there before comparing it.
  for (const { name, state } of statesOf(machine).filter(({ state }) => state.Type === 'Choice')) {
    for (const rule of (state.Choices ?? []) as Condition[]) {
      if (rule.Next !== check.name && !conditionsIn(rule).some((condition) => condition.Variable?.includes('fragile'))) continue;
      const unguarded = unguardedVariables(rule);
      if (unguarded.length > 0) {
        throw new Miss({
          expected: `the Choice "${name}" to ask whether ${unguarded.join(', ')} is there before comparing it: { "And": [ { "Variable": "${unguarded[0]}", "IsPresent": true }, { "Variable": "${unguarded[0]}", … } ] }`,
          found: `the rule ${JSON.stringify(rule)}. Most orders have no fragile field: LocalStack takes the Default then, AWS fails the execution with States.Runtime`,
          look: lookAtState(context, 2, name),
        });
      }
    }
  }

  // All the grader's orders now, so that the quality checks and the timeout run side by side.
  const orders = gradersOrders(context);
  const run: Run = { orders, finder: new ExecutionFinder(context.aws, machine.arn), parked: [] };
  runs.set(context.observers, run);
  const placedAt = Date.now();
  await putOrders(context, Object.values(orders));

  // A busy LocalStack may take longer than a quiet one: the sturdy order gets as long as a quality check may wait.
  const plain = await settled(context, run, orders.plain, timeoutOf(context, check));
  // A busy LocalStack starts and runs executions slowly: the fragile requests get as long again as the sturdy order took.
  const arrivalDeadlineMs = Math.max(10_000, 2 * (Date.now() - placedAt));
  const expectedPlain = `the execution for order ${orders.plain.orderId}, which is not fragile, to succeed without waiting for an elf`;
  if (plain.execution?.status !== 'SUCCEEDED')
    throw await qualityMiss(context, { order: orders.plain, execution: plain.execution, expected: expectedPlain, task: 2 });
  if (checksOf(plain.states, check.name).length > 0) {
    throw await qualityMiss(context, {
      order: orders.plain,
      execution: plain.execution,
      expected: expectedPlain,
      found: `it went through "${check.name}": ${route(plain.states)}`,
      task: 2,
    });
  }
  // "fragile": false is there and not true: the Choice's other way to the Default. Watched until it
  // ends or reaches the quality check, where a wrong Choice would keep it waiting TimeoutSeconds.
  const [notFragile] = await run.finder.waitForAll(orders.notFragile.orderId, 1, { settled: false });
  const notFragileStates = notFragile ? await watchStates(context.aws, notFragile.executionArn, (states) => checksOf(states, check.name).length > 0) : [];
  const expectedNotFragile = `the execution for order ${orders.notFragile.orderId}, whose "fragile" is false, to succeed without waiting for an elf`;
  if (checksOf(notFragileStates, check.name).length > 0) {
    throw await qualityMiss(context, {
      order: orders.notFragile,
      execution: notFragile,
      expected: expectedNotFragile,
      found: `it went to "${check.name}": a gift marked "fragile": false is sturdy; does the Choice compare the value (BooleanEquals true), not only ask IsPresent?`,
      task: 2,
      state: check.name,
    });
  }
  const notFragileEnd = await settled(context, run, orders.notFragile, timeoutOf(context, check));
  if (notFragileEnd.execution?.status !== 'SUCCEEDED')
    throw await qualityMiss(context, { order: orders.notFragile, execution: notFragileEnd.execution, expected: expectedNotFragile, task: 2 });

  // Each fragile order's request reaches the queue. The grader takes the unanswered order's request
  // and keeps it, as an elf who took the bauble home; it hands the others back at once.
  const fragile = [orders.approved, orders.remade, orders.rejectedTwice, orders.unanswered];
  const arrived = new Set<string>();
  const until = Date.now() + arrivalDeadlineMs;
  while (arrived.size < fragile.length && Date.now() < until) {
    const { Messages = [] } = await context.aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: qualityUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: HOLD_SECONDS }),
    );
    for (const message of Messages) {
      const orderId = carriedOrderId(parseBody(message));
      if (orderId) arrived.add(orderId);
      if (orderId === orders.unanswered.orderId) run.held = message;
      else await context.aws.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: qualityUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
    }
  }
  const missing = fragile.find((order) => !arrived.has(order.orderId));
  if (missing) {
    const { execution } = await tokenSubmitted(context, run, missing, check.name, 1);
    throw await qualityMiss(context, {
      order: missing,
      execution,
      expected: `a fragile order (${missing.orderId}, "fragile": true) to reach "${check.name}" and put its request on ${context.name('quality-check')}`,
      task: 2,
      state: check.name,
    });
  }
}

async function elfAnswers(context: GradingContext<7>): Promise<void> {
  const run = runOf(context);
  const { orders } = run;
  const returned = deployedValue(context);
  const qualityUrl = await queueUrl(context, 'quality-check', 3);
  const expected: Partial<QualityCheckedFulfilment> = {
    qualityCheckQueueUrl: qualityUrl,
    qualityCheckQueueArn: queueArn(context.name('quality-check')),
    stateMachineArn: stateMachineArn(context.name('fulfilment')),
  };
  const wrong = Object.entries(expected).filter(([field, value]) => returned[field as keyof QualityCheckedFulfilment] !== value);
  if (wrong.length > 0) {
    throw new Miss({
      expected: `deploy() to return a QualityCheckedFulfilment (kit/contracts.ts) with ${wrong.map(([field, value]) => `${field} ${value}`).join(', ')}: the elves' worker finds its queue there`,
      found: `it returned ${JSON.stringify(returned)}`,
      look: lookAtTodo(context, 3),
    });
  }
  const machine = await fulfilmentMachine(context, 3);
  const check = qualityCheckState(context, machine, qualityUrl, 3);

  const report = await callElf(
    context,
    returned,
    {
      [orders.approved.orderId]: { verdict: 'approved' },
      [orders.remade.orderId]: { verdict: 'rejected', reason: 'chipped paint' },
      [orders.rejectedTwice.orderId]: { verdict: 'rejected', reason: 'cracked glass' },
    },
    3,
  );
  // Right after the round: only the message the grader holds may be received and not deleted.
  const depth = await queueDepth(context, qualityUrl);
  if (depth.inFlight > 1) {
    throw new Miss({
      expected: 'the elf to delete each message it answered (DeleteMessageCommand with its ReceiptHandle)',
      found: `${depth.inFlight - 1} message(s) the elf received are still on the queue, hidden until their visibility timeout ends: then another elf gets them, with a token that is spent`,
      look: lookAtTodo(context, 3),
      path: await qualityPath(context, orders.approved, (await run.finder.waitForAll(orders.approved.orderId, 1, { settled: false }))[0]),
    });
  }

  const timeout = timeoutOf(context, check);
  const approved = await settled(context, run, orders.approved, timeout);
  const approvedCheck = checksOf(approved.states, check.name)[0];
  const expectedApproved = `the elf's SendTaskSuccess to answer "${check.name}" for order ${orders.approved.orderId}, with the taskToken from its message, and the execution to succeed`;
  if (approvedCheck?.token?.answer !== 'TaskSucceeded' || approved.execution?.status !== 'SUCCEEDED') {
    const how = approvedCheck ? describeToken(approvedCheck) : undefined;
    throw await qualityMiss(context, {
      order: orders.approved,
      execution: approved.execution,
      expected: expectedApproved,
      found:
        approvedCheck?.token?.answer === 'TaskTimedOut'
          ? `no answer came: ${how}. Does qualityElf call SendTaskSuccessCommand with the message's taskToken?`
          : undefined,
      task: 3,
      state: check.name,
    });
  }
  if (
    approved.states.some(
      (state) =>
        state.name !== check.name &&
        state.task?.resource === 'sqs:sendMessage' &&
        (state.task.parameters as { QueueUrl?: string })?.QueueUrl === returned.attentionQueueUrl,
    )
  ) {
    throw await qualityMiss(context, {
      order: orders.approved,
      execution: approved.execution,
      expected: expectedApproved,
      found: `the approved gift went to the attention queue: ${route(approved.states)}`,
      task: 3,
      state: check.name,
    });
  }

  const { execution, states } = await tokenSubmitted(context, run, orders.remade, check.name, 1);
  const first = checksOf(states, check.name)[0];
  const answered = first?.token?.answer
    ? first
    : (await watchStates(context.aws, execution!.executionArn, (seen) => !!checksOf(seen, check.name)[0]?.token?.answer)).find(
        (state) => state.name === check.name,
      );
  const failure = answered?.failures.at(-1);
  if (answered?.token?.answer !== 'TaskFailed' || failure?.error !== QUALITY_REJECTED || failure.cause !== 'chipped paint') {
    throw await qualityMiss(context, {
      order: orders.remade,
      execution,
      expected: `the elf to answer a rejected gift (${orders.remade.orderId}, reason "chipped paint") with SendTaskFailure: error "${QUALITY_REJECTED}" (QUALITY_REJECTED), cause the reason`,
      found: answered ? `"${check.name}" ${describeToken(answered)}` : undefined,
      task: 3,
      state: check.name,
    });
  }
  checkReport(context, report, { approved: [orders.approved.orderId], rejected: [orders.remade.orderId, orders.rejectedTwice.orderId] }, 3);
}

async function rejectedGiftRemade(context: GradingContext<7>): Promise<void> {
  const run = runOf(context);
  const { orders } = run;
  const returned = deployedValue(context);
  const machine = await fulfilmentMachine(context, 4);
  const check = qualityCheckState(context, machine, returned.qualityCheckQueueUrl, 4);
  const workshop = stateSendingTo(machine, returned.workshopQueueUrl);
  const catcher = catcherFor(context, machine, check, QUALITY_REJECTED, 4, 'a rejected gift goes back to the workshop to be made again');
  if (!workshop || !reachable(machine.definition, catcher.Next).has(workshop.name)) {
    throw new Miss({
      expected: `the Catch for ${QUALITY_REJECTED} to lead back to the state that sends the order to the workshop queue${workshop ? ` ("${workshop.name}")` : ''}, and from there to "${check.name}" again`,
      found: `from "${catcher.Next}" the machine goes ${[...reachable(machine.definition, catcher.Next)].join(', ')}`,
      look: lookAtState(context, 4, catcher.Next),
    });
  }

  // Both rejected gifts come back for a second look; the one remade is approved, the other rejected again.
  const timeout = timeoutOf(context, check);
  const [remade, twice] = await Promise.all([
    tokenSubmitted(context, run, orders.remade, check.name, 2),
    tokenSubmitted(context, run, orders.rejectedTwice, check.name, 2),
  ]);
  for (const [order, second] of [
    [orders.remade, remade],
    [orders.rejectedTwice, twice],
  ] as const) {
    if (checksOf(second.states, check.name).length < 2) {
      throw await qualityMiss(context, {
        order,
        execution: second.execution,
        expected: `the gift of order ${order.orderId}, rejected at "${check.name}", to be sent to the workshop again ("${workshop.name}") and come back to "${check.name}"`,
        task: 4,
        state: catcher.Next,
      });
    }
  }
  await callElf(
    context,
    returned,
    { [orders.remade.orderId]: { verdict: 'approved' }, [orders.rejectedTwice.orderId]: { verdict: 'rejected', reason: 'still cracked' } },
    4,
  );

  const done = await settled(context, run, orders.remade, timeout);
  const expectedRemade = `order ${orders.remade.orderId}, rejected once, to be made again ("${workshop.name}" a second time), approved at its second "${check.name}", and to succeed`;
  const sentToWorkshop = done.states.filter((state) => state.name === workshop.name).length;
  const approvedSecond = checksOf(done.states, check.name)[1]?.token?.answer === 'TaskSucceeded';
  if (done.execution?.status !== 'SUCCEEDED' || sentToWorkshop < 2 || !approvedSecond)
    throw await qualityMiss(context, { order: orders.remade, execution: done.execution, expected: expectedRemade, task: 4, state: catcher.Next });

  const stopped = await settled(context, run, orders.rejectedTwice, timeout);
  const checks = checksOf(stopped.states, check.name);
  const { message, seen } = await parkedMessage(context, run, orders.rejectedTwice);
  if (checks.length !== 2 || checks[1]?.token?.answer !== 'TaskFailed' || errorOf(message)?.Error !== QUALITY_REJECTED) {
    throw await qualityMiss(context, {
      order: orders.rejectedTwice,
      execution: stopped.execution,
      expected: `order ${orders.rejectedTwice.orderId}, rejected again after its remake, to go to a person: the attention queue, with the error ${QUALITY_REJECTED} and the elf's reason (one remake per gift: "$.remade" IsPresent)`,
      found:
        checks.length > 2
          ? `it was remade again and came back to "${check.name}" ${checks.length} times: a gift that fails every time would loop for ever`
          : message
            ? `the attention queue got ${JSON.stringify(message)}`
            : stopped.execution?.status === 'SUCCEEDED' && checks.length === 2
              ? `no message for it on ${context.name('orders-needing-attention')}${seen.length ? `, only ${seen.map((body) => JSON.stringify(body)).join(', ')}` : ''}; the states: ${route(stopped.states)}`
              : undefined,
      task: 4,
      state: catcher.Next,
    });
  }
}

async function noElfAnswers(context: GradingContext<7>): Promise<void> {
  const run = runOf(context);
  const { orders } = run;
  const returned = deployedValue(context);
  const machine = await fulfilmentMachine(context, 5);
  const check = qualityCheckState(context, machine, returned.qualityCheckQueueUrl, 5);
  try {
    const heartbeatOnly =
      (check.state.Catch ?? []).some((candidate) => candidate.ErrorEquals?.includes('States.HeartbeatTimeout')) &&
      !(check.state.Catch ?? []).some((candidate) => handles(candidate.ErrorEquals, 'States.Timeout'));
    const catcher = catcherFor(
      context,
      machine,
      check,
      'States.Timeout',
      5,
      heartbeatOnly
        ? 'TimeoutSeconds passing raises States.Timeout; States.HeartbeatTimeout is for HeartbeatSeconds passing without SendTaskHeartbeat (and LocalStack reports even that as States.Timeout): catch both'
        : 'when no elf answers within TimeoutSeconds, the order goes to a person instead of failing',
    );
    const attention = stateSendingTo(machine, returned.attentionQueueUrl);
    if (!attention || !reachable(machine.definition, catcher.Next).has(attention.name)) {
      throw new Miss({
        expected: `the Catch for States.Timeout to lead to the state that sends the order to the attention queue${attention ? ` ("${attention.name}")` : ''}: a person looks at a gift no elf checked`,
        found: `from "${catcher.Next}" the machine goes ${[...reachable(machine.definition, catcher.Next)].join(', ')}`,
        look: lookAtState(context, 5, catcher.Next),
      });
    }

    // The grader has held this order's request since Task 2: no one answers it.
    const timeout = timeoutOf(context, check);
    const { execution, states } = await settled(context, run, orders.unanswered, timeout);
    const waited = checksOf(states, check.name)[0];
    const { message, seen } = await parkedMessage(context, run, orders.unanswered);
    const expected = `order ${orders.unanswered.orderId}, whose request no elf answered, to time out at "${check.name}" after TimeoutSeconds (${timeout} s), and the Catch to send it to the attention queue with the error States.Timeout`;
    if (execution?.status !== 'SUCCEEDED' || waited?.token?.answer !== 'TaskTimedOut' || !waited.caught || errorOf(message)?.Error !== 'States.Timeout') {
      throw await qualityMiss(context, {
        order: orders.unanswered,
        execution,
        expected,
        found:
          execution?.status === 'SUCCEEDED' && waited?.caught
            ? message
              ? `the attention queue got ${JSON.stringify(message)}, without the error States.Timeout`
              : `no message for it on ${context.name('orders-needing-attention')}${seen.length ? `, only ${seen.map((body) => JSON.stringify(body)).join(', ')}` : ''}`
            : undefined,
        task: 5,
        state: check.name,
      });
    }
  } finally {
    // The held request's token is spent: the grader, as the elf who never answered, throws it away.
    if (run.held) await context.aws.sqs.send(new DeleteMessageCommand({ QueueUrl: returned.qualityCheckQueueUrl, ReceiptHandle: run.held.ReceiptHandle }));
  }
}

export default defineGrader<7>({
  // The final fulfilment machine: a fragile gift an elf rejected is made again, so the workshop gets it once per make;
  // every request on the quality-check queue is answered and deleted, and nothing needs a person.
  sinks: (workflow) => [
    { name: 'the workshop queue', queueUrl: workflow.workshopQueueUrl, receives: (order) => order.list !== 'naughty', delivery: 'every-make' },
    { name: 'the quality-check queue', queueUrl: workflow.qualityCheckQueueUrl, receives: () => false, delivery: 'once' },
    ...failureSinks(workflow),
  ],

  tasks: {
    1: qualityCheckQueue,
    2: fragileGiftsWait,
    3: elfAnswers,
    4: rejectedGiftRemade,
    5: noElfAnswers,
  },
});
