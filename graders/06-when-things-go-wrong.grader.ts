import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { INTEGRATIONS, queueArn, stateMachineArn } from '../kit/aws/arns.ts';
import { EventTypes, FULFILMENT_SOURCE, type FailedOrder, type HardenedFulfilment, type Order } from '../kit/contracts.ts';
import { handles, reachable, type Catcher, type Retrier } from '../kit/grading/checks/asl.ts';
import { ExecutionFinder, executedStates, explainFailure, refusedByAws, uncaughtOnAws, watchStates, type Execution } from '../kit/grading/checks/executions.ts';
import { Miss, defineGrader, deployedValue, type GradingContext } from '../kit/grading/checks/grader.ts';
import { lookAtTodo } from '../kit/grading/checks/look.ts';
import { receiveUntil, type BusEvent } from '../kit/grading/checks/observe.ts';
import { drain, parseBody, queueAttributes, queueDepth, queueUrl } from '../kit/grading/checks/queues.ts';
import { checkGrants, namespacedRole } from '../kit/grading/checks/roles.ts';
import {
  catcherFor,
  errorsText,
  failureSinks,
  executionMiss,
  executionPath,
  fulfilmentMachine,
  lookAtState,
  route,
  stateSendingTo,
  statesOf,
  waitedFor,
  type Machine,
  type NamedState,
} from './shared/fulfilment.ts';
import { carriedOrderId, putOrders } from './shared/orders.ts';

/** What a sendMessage to a queue that does not exist raises here (measured on LocalStack 4.13.1)... */
const LOCAL_QUEUE_ERROR = 'SQS.SdkClientException';
/** ...and on AWS, where the optimized SQS integration reports the service's refusal under this name. */
const AWS_QUEUE_ERRORS = ['SQS.AmazonSQSException', 'SQS.QueueDoesNotExistException'];
const DUPLICATE_ERROR = 'DynamoDB.ConditionalCheckFailedException';
/** Names that take errors a Retry cannot fix by waiting. */
const WILDCARD_ERRORS = ['States.ALL', 'States.TaskFailed'];
/** Retry bounds that keep a grade quick; the instructions say what AWS would use. */
const RETRY_BOUNDS = { IntervalSeconds: [1, 2], MaxAttempts: [2, 4], MaxDelaySeconds: [1, 5] } as const;
const RECEIVE_BOUNDS = [2, 5] as const;
/** Queue attributes CreateQueue accepts back when the grader brings the workshop queue back. */
const SETTABLE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'Policy',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'VisibilityTimeout',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
];

/** The state that sends to a queue: a sendMessage task whose QueueUrl is that queue's. */
function sendingTo(context: GradingContext, machine: Machine, url: string, task: number, what: string, placeholder: string): NamedState {
  const found = stateSendingTo(machine, url);
  if (found) return found;
  const senders = statesOf(machine).filter(({ state }) => state.Resource === INTEGRATIONS.sendMessage);
  throw new Miss({
    expected: `a Task state with "Resource": "${INTEGRATIONS.sendMessage}" and "QueueUrl": "${placeholder}" (${what}, ${url} once deployed)`,
    found: senders.length
      ? senders.map(({ name, state }) => `"${name}" sends to ${JSON.stringify(state.Parameters?.QueueUrl)}`).join('; ')
      : 'no state sends to a queue',
    look: lookAtState(context, task),
  });
}

/** The longest a Retry makes an execution wait in all: each wait is the one before times BackoffRate, capped at MaxDelaySeconds. */
function totalRetryWaitMs(retrier: Retrier): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const cap = retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (let attempt = 0; attempt < (retrier.MaxAttempts ?? 3); attempt += 1) total += Math.min(interval * (retrier.BackoffRate ?? 2) ** attempt, cap);
  return total * 1000;
}

/** The Retry of the workshop state that takes a missing queue, checked field by field; a Miss says what to change. */
function workshopRetrier(context: GradingContext, workshop: NamedState): Retrier {
  const retriers = workshop.state.Retry ?? [];
  const look = lookAtState(context, 2, workshop.name);
  if (retriers.length === 0) {
    throw new Miss({
      expected: `a "Retry" on "${workshop.name}": a workshop queue that is down for a moment should cost a few seconds, not the order`,
      found: 'no Retry on that state',
      look,
    });
  }
  // A wildcard retries what no wait fixes (a message too large, a role that may not send), each retry a paid transition.
  const wildcard = retriers.find((retrier) => retrier.ErrorEquals?.some((name) => WILDCARD_ERRORS.includes(name)));
  if (wildcard) {
    throw new Miss({
      expected: `a Retry that names the errors a wait can fix, and nothing more: ["${AWS_QUEUE_ERRORS[0]}", "${LOCAL_QUEUE_ERROR}"]`,
      found: `ErrorEquals ${errorsText(wildcard.ErrorEquals)}: ${wildcard.ErrorEquals!.filter((name) => WILDCARD_ERRORS.includes(name)).join(' and ')} also retries errors that no wait will fix, such as a message too large or a role that may not send, and every retry is a state transition you pay for`,
      look,
    });
  }
  // Step Functions uses the first retrier whose ErrorEquals names the error.
  const local = retriers.find((retrier) => handles(retrier.ErrorEquals, LOCAL_QUEUE_ERROR));
  if (!local) {
    throw new Miss({
      expected: `a Retry whose ErrorEquals takes the error a missing queue really raises: ${LOCAL_QUEUE_ERROR} here ("The specified queue does not exist."), ${AWS_QUEUE_ERRORS[0]} on AWS`,
      found: `ErrorEquals ${retriers.map((retrier) => errorsText(retrier.ErrorEquals)).join(' and ')}, which does not take ${LOCAL_QUEUE_ERROR}: the first failure would end the execution`,
      look,
    });
  }
  if (!retriers.some((retrier) => AWS_QUEUE_ERRORS.some((name) => handles(retrier.ErrorEquals, name)))) {
    throw new Miss({
      expected: `a Retry that also takes ${AWS_QUEUE_ERRORS[0]}, the name AWS gives a queue that refuses or is not there (LocalStack says ${LOCAL_QUEUE_ERROR})`,
      found: `ErrorEquals ${errorsText(local.ErrorEquals)}: it works on LocalStack and would retry nothing on AWS`,
      look,
    });
  }
  const missing = (['IntervalSeconds', 'BackoffRate', 'MaxAttempts', 'MaxDelaySeconds'] as const).filter((field) => local[field] === undefined);
  if (missing.length > 0) {
    throw new Miss({
      expected: 'the Retry to say how it waits: IntervalSeconds, BackoffRate, MaxAttempts and MaxDelaySeconds, each written out',
      found: `${JSON.stringify(local)}, without ${missing.join(', ')}`,
      look,
    });
  }
  for (const [field, [low, high]] of Object.entries(RETRY_BOUNDS) as [keyof typeof RETRY_BOUNDS, readonly [number, number]][]) {
    const value = local[field]!;
    if (value < low || value > high) {
      throw new Miss({
        expected: `${field} between ${low} and ${high} in this workshop, so the grade stays quick (the instructions say what you would choose on AWS)`,
        found: `${field} ${value} in ${JSON.stringify(local)}`,
        look,
      });
    }
  }
  if (local.BackoffRate! <= 1) {
    throw new Miss({
      expected: 'a BackoffRate above 1 (2 is usual): each wait longer than the one before, so a struggling service gets room to recover',
      found: `BackoffRate ${local.BackoffRate}: every retry comes as fast as the last`,
      look,
    });
  }
  return local;
}

/** The Catch of the workshop state that takes what the retries could not fix. */
function workshopCatcher(context: GradingContext, machine: Machine, workshop: NamedState): Catcher {
  const catcher = catcherFor(
    context,
    machine,
    workshop,
    LOCAL_QUEUE_ERROR,
    3,
    `it takes what the retries could not fix (${LOCAL_QUEUE_ERROR} here, ${AWS_QUEUE_ERRORS[0]} on AWS; "States.ALL" takes both) and goes to the attention queue`,
  );
  if (!AWS_QUEUE_ERRORS.some((name) => handles(catcher.ErrorEquals, name))) {
    throw new Miss({
      expected: `the Catch to take ${AWS_QUEUE_ERRORS[0]} too, the name AWS gives the failure ("States.ALL" takes every error)`,
      found: `ErrorEquals ${errorsText(catcher.ErrorEquals)}: on AWS the execution would fail instead`,
      look: lookAtState(context, 3, workshop.name),
    });
  }
  return catcher;
}

const nice = (context: GradingContext, prefix: string): Order => ({
  orderId: `${prefix}-${context.namespace}`,
  child: 'Noelle',
  gift: 'wooden train',
  quantity: 1,
  list: 'nice',
  sku: 'TOY-TRAIN-01',
});

/**
 * The workshop queue taken away while `order` is placed, as a downstream that is down: its attributes
 * are read, it is deleted, and once `whileDown` has seen what it waits for it is created again with
 * the same name and attributes (so the same URL, ARN and redrive policy), whatever happened.
 */
async function placeWhileDown(
  context: GradingContext,
  machine: Machine,
  url: string,
  order: Order,
  whileDown: (finder: ExecutionFinder) => Promise<Execution | undefined>,
) {
  const attributes = await queueAttributes(context, url);
  const settable = Object.fromEntries(Object.entries(attributes).filter(([name]) => SETTABLE_ATTRIBUTES.includes(name)));
  const finder = new ExecutionFinder(context.aws, machine.arn);
  await context.aws.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  try {
    await putOrders(context, [order]);
    return { finder, execution: await whileDown(finder) };
  } finally {
    await context.aws.sqs.send(new CreateQueueCommand({ QueueName: context.name('workshop'), Attributes: settable }));
  }
}

async function deadLetterQueues(context: GradingContext<6>): Promise<void> {
  const workshopUrl = await queueUrl(context, 'workshop', 1);
  const deadLettersUrl = await queueUrl(context, 'workshop-dead-letters', 1);
  const [workshop, deadLetters] = await Promise.all([queueAttributes(context, workshopUrl), queueAttributes(context, deadLettersUrl)]);
  const look = lookAtTodo(context, 1);
  if (!workshop.RedrivePolicy) {
    const elsewhere = deadLetters.RedrivePolicy
      ? ` (the dead-letter queue has one: ${deadLetters.RedrivePolicy}; the policy belongs on the queue the elves receive from)`
      : '';
    throw new Miss({
      expected: `a RedrivePolicy on the workshop queue ${context.name('workshop')} that moves a message to ${context.name('workshop-dead-letters')} after a few receives`,
      found: `no RedrivePolicy on the workshop queue${elsewhere}`,
      look,
    });
  }
  const policy = JSON.parse(workshop.RedrivePolicy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
  const deadLettersArn = queueArn(context.name('workshop-dead-letters'));
  if (policy.deadLetterTargetArn !== deadLettersArn) {
    throw new Miss({ expected: `the RedrivePolicy's deadLetterTargetArn to be ${deadLettersArn}`, found: `RedrivePolicy ${workshop.RedrivePolicy}`, look });
  }
  const receives = Number(policy.maxReceiveCount);
  if (!(receives >= RECEIVE_BOUNDS[0] && receives <= RECEIVE_BOUNDS[1])) {
    throw new Miss({
      expected: `maxReceiveCount between ${RECEIVE_BOUNDS[0]} and ${RECEIVE_BOUNDS[1]}: more than one chance for a message whose first attempt hit a passing problem, few enough that a poison message is set aside soon`,
      found: `maxReceiveCount ${policy.maxReceiveCount}`,
      look,
    });
  }
  if (Number(deadLetters.MessageRetentionPeriod) <= Number(workshop.MessageRetentionPeriod)) {
    throw new Miss({
      expected: `the dead-letter queue to keep messages longer than the workshop queue (MessageRetentionPeriod, e.g. '1209600', 14 days): a message keeps its age when it moves, so a DLQ that forgets as soon loses letters before anyone reads them`,
      found: `MessageRetentionPeriod ${deadLetters.MessageRetentionPeriod} s on the dead-letter queue, ${workshop.MessageRetentionPeriod} s on the workshop queue`,
      look,
    });
  }
  await queueUrl(context, 'orders-needing-attention', 1);
}

async function workshopRetry(context: GradingContext<6>): Promise<void> {
  const machine = await fulfilmentMachine(context, 2);
  const workshopUrl = await queueUrl(context, 'workshop', 2);
  const workshop = sendingTo(context, machine, workshopUrl, 2, 'the workshop queue', '${WorkshopQueueUrl}');
  const retrier = workshopRetrier(context, workshop);

  // The queue goes; the order comes; once the machine's first attempt has failed, the queue is back.
  const order = nice(context, 'retry');
  const { finder } = await placeWhileDown(context, machine, workshopUrl, order, async (finder) => {
    const [started] = await finder.waitForAll(order.orderId, 1, { settled: false });
    if (started)
      await watchStates(context.aws, started.executionArn, (states) => states.some((state) => state.name === workshop.name && state.failures.length > 0));
    return started;
  });
  const [execution] = await finder.waitForAll(order.orderId, 1, { deadlineMs: totalRetryWaitMs(retrier) + 10_000 });
  const expected = `the execution for order ${order.orderId} to ride out the workshop queue's absence: "${workshop.name}" fails, waits IntervalSeconds, tries again once the queue is back, and the execution succeeds`;
  if (execution?.status !== 'SUCCEEDED') throw await executionMiss(context, { order, execution, expected, task: 2, waited: finder.lastWait });
  const states = await executedStates(context.aws, execution.executionArn);
  const sent = states.find((state) => state.name === workshop.name);
  if (!sent || sent.caught || sent.attempts < 2) {
    const tried = sent && (sent.attempts === 0 ? `"${workshop.name}" failed before it sent anything` : `"${workshop.name}" was tried ${sent.attempts} time(s)`);
    const caught =
      sent?.caught &&
      (uncaughtOnAws(sent) ? `. ${uncaughtOnAws(sent)}` : ` and its Catch took ${sent.caught.error}: ${explainFailure(sent.caught.error, sent.caught.cause)}`);
    throw new Miss({
      expected,
      found: sent ? `${tried}${caught ?? ''}; the states: ${route(states)}` : `the execution never reached "${workshop.name}"; the states: ${route(states)}`,
      look: lookAtState(context, 2, workshop.name),
      path: await executionPath(context, order, execution, states),
    });
  }
  const seen: unknown[] = [];
  if (!(await receiveUntil(context.aws, workshopUrl, parseBody, (body) => carriedOrderId(body) === order.orderId, seen, 2_000))) {
    throw new Miss({
      expected: `the order ${order.orderId} on the workshop queue after the retry`,
      found: seen.length ? `only ${seen.map((body) => JSON.stringify(body)).join(', ')}` : 'no message for it, though the execution succeeded',
      look: lookAtState(context, 2, workshop.name),
      path: await executionPath(context, order, execution, states),
    });
  }
}

async function catchAndPark(context: GradingContext<6>): Promise<void> {
  const observer = await context.observers.bus(context.contract(1).busName);
  const machine = await fulfilmentMachine(context, 3);
  const workshopUrl = await queueUrl(context, 'workshop', 3);
  const attentionUrl = await queueUrl(context, 'orders-needing-attention', 3);
  const workshop = sendingTo(context, machine, workshopUrl, 3, 'the workshop queue', '${WorkshopQueueUrl}');
  const catcher = workshopCatcher(context, machine, workshop);
  const attention = sendingTo(context, machine, attentionUrl, 3, 'the attention queue', '${AttentionQueueUrl}');
  const attentionArn = queueArn(context.name('orders-needing-attention'));
  await checkGrants(
    context,
    await namespacedRole(context, 'fulfilment'),
    [
      {
        action: 'sqs:SendMessage',
        resource: attentionArn,
        what: 'the attention queue',
        why: 'on AWS the Catch path would fail without it',
        other: queueArn(context.name('another-queue')),
      },
    ],
    lookAtTodo(context, 3),
  );
  if (!statesOf(machine).some(({ name, state }) => state.Resource === INTEGRATIONS.putEvents && reachable(machine.definition, catcher.Next).has(name))) {
    throw new Miss({
      expected: `an events:putEvents of ${EventTypes.OrderFailed} on the way from "${catcher.Next}", so other departments hear of the order`,
      found: `no putEvents state after "${catcher.Next}"`,
      look: lookAtState(context, 3, attention.name),
    });
  }

  // The queue goes and stays gone until the execution has given up on it.
  const retrier = (workshop.state.Retry ?? []).find((candidate) => handles(candidate.ErrorEquals, LOCAL_QUEUE_ERROR));
  const order = nice(context, 'attention');
  const { finder, execution } = await placeWhileDown(
    context,
    machine,
    workshopUrl,
    order,
    async (finder) => (await finder.waitForAll(order.orderId, 1, { deadlineMs: (retrier ? totalRetryWaitMs(retrier) : 0) + 10_000 }))[0],
  );
  const states = execution ? await executedStates(context.aws, execution.executionArn) : [];
  const sent = states.find((state) => state.name === workshop.name);
  const expected = `the execution for order ${order.orderId}, with the workshop queue gone, to retry "${workshop.name}", then catch the failure and send the order to the attention queue`;
  if (!execution || execution.status === 'RUNNING' || !sent?.caught || !states.some((state) => state.name === attention.name && state.output !== undefined)) {
    throw await executionMiss(context, { order, execution, expected, task: 3, waited: finder.lastWait });
  }

  const parked: unknown[] = [];
  const message = await receiveUntil(context.aws, attentionUrl, parseBody, (body) => carriedOrderId(body) === order.orderId, parked, 2_000);
  if (!message || !JSON.stringify(message).includes(sent.caught.error ?? LOCAL_QUEUE_ERROR)) {
    throw new Miss({
      expected: `a message on ${context.name('orders-needing-attention')} with the order ${order.orderId} and the error that stopped it (${sent.caught.error}): { "order.$": "$.detail", "error.$": "$.error" }`,
      found: message
        ? `${JSON.stringify(message)}, without the error`
        : parked.length
          ? `only ${parked.map((body) => JSON.stringify(body)).join(', ')}`
          : 'no message for it',
      look: lookAtState(context, 3, attention.name),
      path: await executionPath(context, order, execution, states),
    });
  }

  const ours = (event: BusEvent) => carriedOrderId(event.detail) === order.orderId && event['detail-type'] !== EventTypes.OrderPlaced;
  const announced = await observer.waitFor(ours, 2_000);
  const detail = announced?.detail as Partial<FailedOrder> | undefined;
  const problems =
    announced &&
    [
      announced.source !== FULFILMENT_SOURCE && `source "${announced.source}", not "${FULFILMENT_SOURCE}"`,
      announced['detail-type'] !== EventTypes.OrderFailed && `detail-type "${announced['detail-type']}", not "${EventTypes.OrderFailed}"`,
      detail?.order?.orderId !== order.orderId && 'the detail should carry the order under "order"',
      detail?.error?.Error !== sent.caught.error &&
        `the detail's error should be { "Error": "${sent.caught.error}", "Cause": … }, not ${JSON.stringify(detail?.error)}`,
    ].filter(Boolean);
  if (!announced || problems!.length > 0) {
    throw new Miss({
      expected: `an ${EventTypes.OrderFailed} event from "${FULFILMENT_SOURCE}" for order ${order.orderId}, its detail a FailedOrder: { "order": the order, "error": { "Error", "Cause" } }`,
      found: announced
        ? `${JSON.stringify({ source: announced.source, 'detail-type': announced['detail-type'], detail: announced.detail })}: ${problems!.join('; ')}`
        : 'no event for it on the orders bus',
      look: lookAtState(context, 3),
      path: await executionPath(context, order, execution, states),
    });
  }
}

async function fulfilOnce(context: GradingContext<6>): Promise<void> {
  const machine = await fulfilmentMachine(context, 4);
  const workshopUrl = await queueUrl(context, 'workshop', 4);
  const workshop = sendingTo(context, machine, workshopUrl, 4, 'the workshop queue', '${WorkshopQueueUrl}');
  const record = statesOf(machine).find(({ state }) => state.Resource === INTEGRATIONS.putItem && state.Parameters?.TableName === context.name('orders'));
  if (!record) {
    throw new Miss({
      expected: `a putItem task into the orders table, "TableName": "\${OrdersTable}"`,
      found: 'no state puts an item into it',
      look: lookAtState(context, 4),
    });
  }
  const look = lookAtState(context, 4, record.name);
  const condition = record.state.Parameters?.ConditionExpression;
  if (typeof condition !== 'string' || !/attribute_not_exists\s*\(\s*orderId\s*\)/.test(condition)) {
    throw new Miss({
      expected: `"${record.name}" to put only an order that is not there yet: "ConditionExpression": "attribute_not_exists(orderId)"`,
      found:
        condition === undefined
          ? 'no ConditionExpression: a second OrderPlaced for the same order overwrites the item and goes on to the workshop'
          : `"ConditionExpression": ${JSON.stringify(condition)}`,
      look,
    });
  }
  const catcher = (record.state.Catch ?? []).find((candidate) => candidate.ErrorEquals?.includes(DUPLICATE_ERROR));
  if (!catcher) {
    throw new Miss({
      expected: `a Catch on "${record.name}" for "${DUPLICATE_ERROR}" (named: "States.ALL" would make a missing table look like a duplicate), going to a Succeed state`,
      found: record.state.Catch?.length
        ? `Catch with ErrorEquals ${record.state.Catch.map((candidate) => errorsText(candidate.ErrorEquals)).join(' and ')}`
        : 'no Catch: the duplicate would fail its execution',
      look,
    });
  }
  const done = catcher.Next ? machine.definition.States?.[catcher.Next] : undefined;
  if (done?.Type !== 'Succeed') {
    throw new Miss({
      expected: `the Catch for ${DUPLICATE_ERROR} to go to a state { "Type": "Succeed" } (e.g. "Already fulfilled"): a duplicate is not a failure`,
      found: `"Next": ${JSON.stringify(catcher.Next)}${done ? `, a ${done.Type} state` : ''}`,
      look,
    });
  }
  const beforePut = reachable(machine.definition, machine.definition.StartAt, [record.name]);
  if (beforePut.has(workshop.name)) {
    throw new Miss({
      expected: `"${record.name}" to come before "${workshop.name}" on every path: the conditional put is the claim on the order, and a duplicate must stop before anything is sent`,
      found: `"${workshop.name}" can be reached without passing "${record.name}"`,
      look,
    });
  }

  // The same OrderPlaced, delivered twice, as at-least-once delivery may.
  const order = nice(context, 'twice');
  // And a naughty child's order, the other branch of "To the workshop?": coal is recorded, never made.
  const coal: Order = { orderId: `coal-${context.namespace}`, child: 'Krampus', gift: 'drum kit', quantity: 1, list: 'naughty' };
  await putOrders(context, [order, order, coal]);
  const finder = new ExecutionFinder(context.aws, machine.arn);
  const executions = await finder.waitForAll(order.orderId, 2);
  const expected = `two deliveries of order ${order.orderId} to start two executions that both succeed, the second through "${catcher.Next}"`;
  if (executions.length < 2)
    throw await executionMiss(context, {
      order,
      execution: executions[0],
      expected: `${expected} (only ${executions.length} started ${waitedFor(finder.lastWait)})`,
      task: 4,
      waited: finder.lastWait,
    });
  const unsucceeded = executions.find((execution) => execution.status !== 'SUCCEEDED');
  if (unsucceeded) throw await executionMiss(context, { order, execution: unsucceeded, expected, task: 4 });
  const histories = await Promise.all(executions.map((execution) => executedStates(context.aws, execution.executionArn)));
  const refusing = histories.findIndex((states) => states.some((state) => state.name === record.name && refusedByAws(state)));
  if (refusing >= 0) {
    const refused = histories[refusing]!.find((state) => state.name === record.name)!;
    throw new Miss({
      expected: `"${record.name}" to put values of the types DynamoDB takes: "N" and "S" as JSON strings ("quantity": { "N.$": "States.JsonToString($.detail.quantity)" })`,
      found: `"${record.name}": ${refusedByAws(refused)}`,
      look,
      path: await executionPath(context, order, executions[refusing], histories[refusing]!),
    });
  }
  if (!histories.some((states) => states.some((state) => state.name === catcher.Next))) {
    throw new Miss({
      expected,
      found: `neither reached "${catcher.Next}": ${histories.map(route).join('; and ')}`,
      look,
      path: await executionPath(context, order, executions[1], histories[1]),
    });
  }
  const [coalExecution] = await finder.waitForAll(coal.orderId, 1);
  const coalStates = coalExecution ? await executedStates(context.aws, coalExecution.executionArn) : [];
  const expectedCoal = `order ${coal.orderId}, from a child on the naughty list, to be recorded and announced without going to the workshop ("${workshop.name}")`;
  if (coalExecution?.status !== 'SUCCEEDED')
    throw await executionMiss(context, { order: coal, execution: coalExecution, expected: expectedCoal, task: 4, waited: finder.lastWait });
  const onBench = await drain(context, workshopUrl);
  if (coalStates.some((state) => state.name === workshop.name) || onBench.some((body) => carriedOrderId(body) === coal.orderId)) {
    throw new Miss({
      expected: expectedCoal,
      found: `it went to the workshop: ${route(coalStates)}. "To the workshop?" should send only "shipped" orders ($.fulfilment.outcome) there, the others to "Announce OrderFulfilled"`,
      look,
      path: await executionPath(context, coal, coalExecution, coalStates),
    });
  }
  const messages = onBench.filter((body) => carriedOrderId(body) === order.orderId);
  if (messages.length !== 1) {
    throw new Miss({
      expected: `one message for order ${order.orderId} on the workshop queue: the elves make each order once`,
      found: `${messages.length} messages for it`,
      look,
      path: await executionPath(context, order, executions[1], histories[1]),
    });
  }
  const { Item } = await context.aws.dynamoDb.send(
    new GetItemCommand({ TableName: context.name('orders'), Key: { orderId: { S: order.orderId } }, ConsistentRead: true }),
  );
  if (!Item)
    throw new Miss({
      expected: `an item for order ${order.orderId} in ${context.name('orders')}`,
      found: 'no item with that orderId, though both executions succeeded',
      look,
    });
}

async function leftLetters(context: GradingContext<6>): Promise<void> {
  const returned = deployedValue(context);
  const workshopUrl = await queueUrl(context, 'workshop', 5);
  const deadLettersUrl = await queueUrl(context, 'workshop-dead-letters', 5);
  const attentionUrl = await queueUrl(context, 'orders-needing-attention', 5);
  const expected: Partial<HardenedFulfilment> = {
    workshopQueueUrl: workshopUrl,
    workshopQueueArn: queueArn(context.name('workshop')),
    deadLetterQueueUrl: deadLettersUrl,
    deadLetterQueueArn: queueArn(context.name('workshop-dead-letters')),
    attentionQueueUrl: attentionUrl,
    attentionQueueArn: queueArn(context.name('orders-needing-attention')),
    stateMachineArn: stateMachineArn(context.name('fulfilment')),
  };
  const wrong = Object.entries(expected).filter(([field, value]) => returned[field as keyof HardenedFulfilment] !== value);
  if (wrong.length > 0) {
    throw new Miss({
      expected: `deploy() to return a HardenedFulfilment (kit/contracts.ts) with ${wrong.map(([field, value]) => `${field} ${value}`).join(', ')}`,
      found: `it returned ${JSON.stringify(returned)}`,
      look: lookAtTodo(context, 5),
    });
  }

  // A letter that is not an order, and an order: the elf must make the one and leave the other.
  await drain(context, workshopUrl);
  const poison = 'Dear Santa, I would like a pony. Love, Timmy';
  const good = nice(context, 'elf');
  await context.aws.sqs.send(new SendMessageCommand({ QueueUrl: workshopUrl, MessageBody: poison }));
  await context.aws.sqs.send(new SendMessageCommand({ QueueUrl: workshopUrl, MessageBody: JSON.stringify(good) }));
  const receives = Number(
    (JSON.parse((await queueAttributes(context, workshopUrl)).RedrivePolicy ?? '{}') as { maxReceiveCount?: number }).maxReceiveCount ?? RECEIVE_BOUNDS[1],
  );
  const rounds = receives + 2;
  let dead = 0;
  let round = 0;
  while (round < rounds && dead === 0) {
    round += 1;
    const outcome = await context.callLearner('workshopElf', returned);
    if (outcome.kind !== 'returned') {
      throw new Miss({
        expected: 'workshopElf(np, workflow) to receive from the workshop queue, make each order and leave the rest',
        found: outcome.message,
        look: lookAtTodo(context, 5),
      });
    }
    dead = (await queueDepth(context, deadLettersUrl)).visible;
  }
  const left = await queueDepth(context, workshopUrl);
  const elfLook = lookAtTodo(context, 5);
  if (dead === 0) {
    throw new Miss({
      expected: `the letter that is not an order ("${poison}") in the dead-letter queue after ${rounds} rounds of workshopElf: left undeleted, it is received again and again until SQS moves it (maxReceiveCount ${receives})`,
      found:
        left.visible + left.inFlight === 0
          ? 'it is gone: the elf deleted a message it could not make. Delete only what you processed'
          : left.inFlight > 0
            ? `it is in flight on the workshop queue: the elf left it undeleted but hidden for the queue's VisibilityTimeout. Hand it back at once with ChangeMessageVisibilityCommand({ VisibilityTimeout: 0 })`
            : 'it is still on the workshop queue: does workshopElf receive from workflow.workshopQueueUrl?',
      look: elfLook,
    });
  }
  if (dead > 1 || left.visible + left.inFlight > 0) {
    throw new Miss({
      expected: `the elf to make order ${good.orderId} and delete its message, and only the letter to reach the dead-letter queue`,
      found: `${dead} message(s) in the dead-letter queue and ${left.visible + left.inFlight} left on the workshop queue: delete each message you processed (DeleteMessageCommand with its ReceiptHandle)`,
      look: elfLook,
    });
  }

  // After the fix, the dead letters go back where they came from.
  const redriven = await context.callLearner('redriveDeadLetters', returned);
  if (redriven.kind !== 'returned') {
    throw new Miss({
      expected: 'redriveDeadLetters(np, workflow) to start a message move task from the dead-letter queue',
      found: redriven.message,
      look: elfLook,
    });
  }
  const seen: unknown[] = [];
  const back = await receiveUntil(context.aws, workshopUrl, parseBody, (body) => body === poison, seen, 5_000);
  if (!back) {
    const [stillDead, parked] = await Promise.all([queueDepth(context, deadLettersUrl), queueDepth(context, attentionUrl)]);
    throw new Miss({
      expected: `the letter back on the workshop queue after redriveDeadLetters(): StartMessageMoveTaskCommand with SourceArn the dead-letter queue's ARN and DestinationArn the workshop queue's (or none: back to where it came from)`,
      found:
        stillDead.visible > 0
          ? 'it is still in the dead-letter queue after 5 s'
          : parked.visible > 0
            ? `it went to ${context.name('orders-needing-attention')}, not to the workshop queue`
            : 'it left the dead-letter queue and did not come back to the workshop queue',
      look: elfLook,
    });
  }
}

export default defineGrader<6>({
  // The conditional put makes the workshop receive each order once, however often it is placed or replayed.
  sinks: (workflow) => [
    { name: 'the workshop queue', queueUrl: workflow.workshopQueueUrl, receives: (order) => order.list !== 'naughty', delivery: 'once' },
    ...failureSinks(workflow),
  ],

  prepare: async (context) => {
    // The bus is watched before the learner's code runs, so that no event it puts there is missed.
    await context.observers.bus(context.contract(1).busName);
  },

  tasks: {
    1: deadLetterQueues,
    2: workshopRetry,
    3: catchAndPark,
    4: fulfilOnce,
    5: leftLetters,
  },
});
