import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  CreateEventBusCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  DescribeRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { GetBucketNotificationConfigurationCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, type Message } from '@aws-sdk/client-sqs';
import { ACCOUNT_ID, REGION } from '../kit/aws/clients.ts';
import { apiDestinationArnPrefix, bucketArn, busArn, objectArn, queueArn, stateMachineArn } from '../kit/aws/arns.ts';
import {
  EventTypes,
  FULFILMENT_SOURCE,
  LONGEST_LETTER,
  ORDERS_SOURCE,
  TRACKER_UPDATES_PER_SECOND,
  type FailedOrder,
  type FulfilledOrder,
  type Letter,
  type Order,
  type TrackerUpdate,
  type UnreadableLetter,
} from '../kit/contracts.ts';
import { EnvironmentError } from '../kit/environmentError.ts';
import { aslFileProblem, type Definition } from '../kit/grading/checks/asl.ts';
import { AWS_VS_LOCALSTACK } from '../kit/grading/checks/awsVsLocalStack.ts';
import { ifExists, sampleEvent } from '../kit/grading/checks/evidence.ts';
import { ExecutionFinder, executedStates, failedState, explainFailure, uncaughtOnAws, type Execution } from '../kit/grading/checks/executions.ts';
import { Miss, defineGrader, deployedValue, type GradingContext } from '../kit/grading/checks/grader.ts';
import { lookAtAsset, lookAtTodo } from '../kit/grading/checks/look.ts';
import { Deadline } from '../kit/grading/checks/deadline.ts';
import {
  BusObserver,
  DELIVERY_DEADLINE_MS,
  parseEvent,
  receiveUntilAll,
  receiveWaiting,
  sqsPolicyForEventBridge,
  type BusEvent,
  type Observers,
} from '../kit/grading/checks/observe.ts';
import { OrderPath, stateHops } from '../kit/grading/checks/orderPath.ts';
import { queueUrl } from '../kit/grading/checks/queues.ts';
import { checkGrants, checkTrust, namespacedRole } from '../kit/grading/checks/roles.ts';
import { checkPattern, enabledRule, targetsOf, type PatternSample } from '../kit/grading/checks/rules.ts';
import { startTracker, type Delivery, type RunningTracker } from '../kit/tracker/trackerServer.ts';
import { putOrders } from './shared/orders.ts';

const ASL_FILE = 'letterReader.asl.json';
/**
 * The tracker hears EventBridge's deliveries in this process: no call of the grader's to time, so its
 * waits take the most a Deadline would stretch to on a slow LocalStack. They end as soon as what they
 * wait for arrives; only a miss waits this long.
 */
const TRACKER_WAIT_MS = 3 * DELIVERY_DEADLINE_MS;

// Runs of this grader may overlap, so each run's tracker and its window onto S3's events are kept under its Observers.
const trackers = new WeakMap<Observers, RunningTracker>();
const s3Windows = new WeakMap<Observers, Promise<BusObserver>>();

const bucketOf = (context: Pick<GradingContext, 'name'>) => context.name('letters');
const readerOf = (context: Pick<GradingContext, 'name'>) => stateMachineArn(context.name('letter-reader'));
const lookAtState = (context: GradingContext, state?: string) => lookAtAsset(context, ASL_FILE, 4, state && `the state "${state}"`);

function trackerOf(context: GradingContext): RunningTracker {
  const tracker = trackers.get(context.observers);
  if (!tracker) throw new Error('The tracker did not start: the grader runs it before deploy().');
  return tracker;
}

/** A queue of the grader's own behind a rule on the default bus that takes every S3 event of the letters bucket. */
async function watchS3(context: Omit<GradingContext, 'deployed'>): Promise<BusObserver> {
  const name = context.name('observer-letters');
  const arn = queueArn(name);
  const { QueueUrl } = await context.aws.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { Policy: sqsPolicyForEventBridge(arn) } }));
  await context.aws.eventBridge.send(
    new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: ['aws.s3'], detail: { bucket: { name: [bucketOf(context)] } } }) }),
  );
  await context.aws.eventBridge.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'observer', Arn: arn }] }));
  return new BusObserver(context.aws, 'default', QueueUrl!, context.say);
}

/** An S3 event as EventBridge delivers it from a bucket with notifications on. */
function objectEvent(detailType: 'Object Created' | 'Object Deleted', bucket: string, key: string): string {
  const object =
    detailType === 'Object Created'
      ? { key, size: 64, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '00617F08299329D189' }
      : { key, sequencer: '00617F08299329D189' };
  return JSON.stringify({
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': detailType,
    source: 'aws.s3',
    account: ACCOUNT_ID,
    time: '2026-12-01T18:00:00Z',
    region: REGION,
    resources: [bucketArn(bucket)],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object,
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: ACCOUNT_ID,
      'source-ip-address': '127.0.0.1',
      reason: detailType === 'Object Created' ? 'PutObject' : 'DeleteObject',
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Task 1

async function letterBucket(context: GradingContext<9>): Promise<void> {
  const Bucket = bucketOf(context);
  const bucket = await ifExists(() => context.aws.s3.send(new HeadBucketCommand({ Bucket })));
  if (!bucket) throw new Miss({ expected: `an S3 bucket named ${Bucket} (np.name('letters'))`, found: 'no bucket with that name' });
  const configuration = await context.aws.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket }));
  if (!configuration.EventBridgeConfiguration) {
    const others = [
      configuration.QueueConfigurations?.length && 'SQS queues',
      configuration.TopicConfigurations?.length && 'SNS topics',
      configuration.LambdaFunctionConfigurations?.length && 'Lambda functions',
    ].filter(Boolean);
    throw new Miss({
      expected: `the bucket's notifications to go to EventBridge: PutBucketNotificationConfigurationCommand with NotificationConfiguration { EventBridgeConfiguration: {} }`,
      found: others.length
        ? `notifications to ${others.join(' and ')} only: no rule on any bus ever sees a letter arrive`
        : 'no notification configuration: S3 tells nobody that a letter arrived',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Task 2

async function readerQueueAndRole(context: GradingContext<9>): Promise<void> {
  await queueUrl(context, 'unreadable-letters', 2);
  const role = await namespacedRole(context, 'letter-reader');
  checkTrust(role, 'states.amazonaws.com', 'the letter reader, a state machine, runs as this role');
  const bucket = bucketOf(context);
  await checkGrants(context, role, [
    {
      action: 's3:GetObject',
      resource: objectArn(bucket, 'letters/ada.json'),
      what: `the letters in the bucket ${bucket}`,
      why: 'headObject and getObject both need it',
      other: objectArn('someone-elses-bucket', 'letters/ada.json'),
      notAction: 's3:DeleteObject',
    },
    {
      action: 'events:PutEvents',
      resource: context.contract(1).busArn,
      what: 'the orders bus',
      why: 'the reader places each order on it',
      other: busArn('default'),
    },
    {
      action: 'sqs:SendMessage',
      resource: queueArn(context.name('unreadable-letters')),
      what: 'the unreadable letters queue',
      other: queueArn(context.name('workshop')),
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Task 3

function lettersRuleSamples(bucket: string): PatternSample[] {
  return [
    { what: `a new letter letters/ada.json in ${bucket}`, event: objectEvent('Object Created', bucket, 'letters/ada.json'), matches: true },
    {
      what: `a letter in a folder under letters/ (letters/by-post/otto.json)`,
      event: objectEvent('Object Created', bucket, 'letters/by-post/otto.json'),
      matches: true,
    },
    { what: `a drawing drawings/ada.png in ${bucket}: not a letter`, event: objectEvent('Object Created', bucket, 'drawings/ada.png'), matches: false },
    {
      what: `letters-old/ada.json in ${bucket}: another folder whose name starts with "letters" (the prefix needs its slash)`,
      event: objectEvent('Object Created', bucket, 'letters-old/ada.json'),
      matches: false,
    },
    {
      what: 'letters/ada.json in another bucket (someone-elses-bucket)',
      event: objectEvent('Object Created', 'someone-elses-bucket', 'letters/ada.json'),
      matches: false,
    },
    {
      what: `letters/ada.json deleted from ${bucket} (Object Deleted): a letter taken away is no new letter`,
      event: objectEvent('Object Deleted', bucket, 'letters/ada.json'),
      matches: false,
      envelope: 'detail-type',
    },
  ];
}

async function lettersRule(context: GradingContext<9>): Promise<void> {
  const ruleName = context.name('letters-arrive');
  const ordersBus = context.contract(1).busName;
  const onOrdersBus = await ifExists(() => context.aws.eventBridge.send(new DescribeRuleCommand({ Name: ruleName, EventBusName: ordersBus })));
  const onDefault = await ifExists(() => context.aws.eventBridge.send(new DescribeRuleCommand({ Name: ruleName })));
  if (!onDefault && onOrdersBus) {
    throw new Miss({
      expected: `the rule ${ruleName} on the default bus, where S3 sends its events (PutRuleCommand with no EventBusName)`,
      found: `it is on the orders bus ${ordersBus}, which never sees an S3 event: no letter would ever start the reader`,
    });
  }
  const rule = await enabledRule(context, ruleName, 'default');
  const bucket = bucketOf(context);
  await checkPattern(context, {
    ruleName,
    pattern: rule.EventPattern ?? '{}',
    samples: lettersRuleSamples(bucket),
    expected: `the rule ${ruleName} to match new objects (source aws.s3, detail-type Object Created) under letters/ in the bucket ${bucket}, and nothing else`,
  });
  const reader = readerOf(context);
  const targets = await targetsOf(context, ruleName, 'default');
  const target = targets.find((candidate) => candidate.Arn === reader);
  if (!target) {
    throw new Miss({
      expected: `the letter reader (${reader}) as a target of ${ruleName}`,
      found: targets.length ? `targets ${targets.map((candidate) => candidate.Arn).join(', ')}` : 'no targets: the letters arrive and nobody reads them',
    });
  }
  if (target.InputPath || target.InputTransformer || target.Input) {
    throw new Miss({
      expected:
        'the reader to get the whole event: no InputPath, InputTransformer or Input on the target (the reader finds the bucket at $.detail.bucket.name and the key at $.detail.object.key)',
      found: `the target sends ${target.InputPath ? `InputPath ${target.InputPath}` : target.InputTransformer ? 'an InputTransformer' : `the constant Input ${target.Input}`}${target.InputPath || target.InputTransformer ? ': LocalStack then starts no execution unless what is sent has an "id"' : ''}`,
    });
  }
  if (!target.RoleArn)
    throw new Miss({
      expected: `a RoleArn on the target: EventBridge needs a role to start an execution (np.name('letters-arrive'))`,
      found: 'no RoleArn: AWS would start nothing (LocalStack does not check)',
    });
  const role = await namespacedRole(context, 'letters-arrive');
  if (target.RoleArn !== role.Arn)
    throw new Miss({ expected: `the target's RoleArn to be ${role.Arn}, the role ${context.name('letters-arrive')}`, found: `RoleArn ${target.RoleArn}` });
  checkTrust(role, 'events.amazonaws.com', 'EventBridge starts the reader with it');
  await checkGrants(context, role, [
    { action: 'states:StartExecution', resource: reader, what: 'the letter reader', other: stateMachineArn(context.name('fulfilment')) },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Task 4: letters for real, good and bad

interface LetterSample {
  key: string;
  what: string;
  contentType: string;
  body: string;
  /** The order it must become; undefined: it goes to the elves. */
  order?: Order;
  /** Why the elves get it, in words, for a Miss. */
  unreadable?: string;
}

/** A letter that is exactly `size` bytes long: its message is padded with snow. */
function letterOfSize(letter: Letter, size: number): string {
  const bare = JSON.stringify({ ...letter, message: '' });
  return JSON.stringify({ ...letter, message: '*'.repeat(size - Buffer.byteLength(bare)) });
}

function letterSamples(): LetterSample[] {
  const json = 'application/json';
  const written = (key: string, what: string, letter: object, contentType = json): LetterSample => ({ key, what, contentType, body: JSON.stringify(letter) });
  const ada: Letter = { child: 'Ada', gift: 'kite', quantity: 1, address: '12 Snow Lane, Tromsø', message: 'I fed the reindeer every day.' };
  const noah: Letter = { child: 'Noah', gift: 'wooden train', quantity: 2 };
  const edda: Letter = { child: 'Edda', gift: 'snow globe', quantity: 1 };
  const otto: Letter = { child: 'Otto', gift: 'sledge', quantity: 1 };
  const order = (key: string, letter: Letter): Order => ({ orderId: key, child: letter.child, gift: letter.gift, quantity: letter.quantity });
  return [
    { ...written('letters/ada.json', 'a letter with an address and a message', ada), order: order('letters/ada.json', ada) },
    {
      ...written('letters/noah.json', 'a letter sent as "application/json; charset=utf-8"', noah, 'application/json; charset=utf-8'),
      order: order('letters/noah.json', noah),
    },
    {
      key: 'letters/edda.json',
      what: `a letter of exactly ${LONGEST_LETTER} bytes, the longest Santa reads`,
      contentType: json,
      body: letterOfSize(edda, LONGEST_LETTER),
      order: order('letters/edda.json', edda),
    },
    {
      key: 'letters/mia.txt',
      what: 'a letter in plain text (text/plain)',
      contentType: 'text/plain',
      body: 'Dear Santa, a red sledge please. Love, Mia',
      unreadable: 'its ContentType is text/plain: it is not JSON, so the reader must not read it as JSON',
    },
    { ...written('letters/leo.json', 'a letter that asks for no gift', { child: 'Leo', quantity: 1, message: 'Surprise me!' }), unreadable: 'it has no gift' },
    { ...written('letters/ida.json', 'a letter whose gift is a number (7)', { child: 'Ida', gift: 7, quantity: 1 }), unreadable: 'its gift is not a string' },
    {
      key: 'letters/otto.json',
      what: `a letter of ${LONGEST_LETTER + 1} bytes, one too many`,
      contentType: json,
      body: letterOfSize(otto, LONGEST_LETTER + 1),
      unreadable: `it is longer than ${LONGEST_LETTER} bytes (on AWS a state carries at most 256 KB: look at ContentLength before reading)`,
    },
  ];
}

const DRAWING = { key: 'drawings/ada.png', contentType: 'image/png', body: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') };

const keyOf = (input: unknown) => {
  const key = (input as { detail?: { object?: { key?: unknown } } } | undefined)?.detail?.object?.key;
  return typeof key === 'string' ? key : undefined;
};

/** The letter's way: into the bucket, S3's event on the default bus, the rules there, the reader's execution. */
async function letterPath(
  context: GradingContext<9>,
  letter: { key: string; contentType: string },
  s3: BusObserver,
  execution: Execution | undefined,
): Promise<OrderPath> {
  const trail = new OrderPath(letter.key).reached(`PutObject put ${letter.key} in the bucket ${bucketOf(context)}`, letter.contentType);
  const event = await s3.waitFor((seen) => keyOf(seen) === letter.key, 3_000, `S3's event for ${letter.key}`);
  if (!event)
    return trail.missed(
      'Object Created on the default bus',
      `S3 sent no event for it within ${DELIVERY_DEADLINE_MS / 1000} s: are the bucket's EventBridge notifications on (task 1)?`,
    );
  trail.reached('Object Created on the default bus', 'source aws.s3');
  await trail.rules(context.aws, 'default', event, { ownPrefix: context.name(''), expected: [context.name('letters-arrive')] });
  if (!execution) return trail.missed(`an execution of ${context.name('letter-reader')}`, `none started within ${DELIVERY_DEADLINE_MS / 1000} s`);
  const hops = stateHops(await executedStates(context.aws, execution.executionArn));
  if (execution.status !== 'SUCCEEDED' && !hops.some((hop) => hop.kind === 'missed')) hops.push({ kind: 'missed', what: `the execution ${execution.status}` });
  return trail.reached(`execution ${execution.name}`, execution.status, hops);
}

/** What the execution did, in a phrase for a Miss: how it ended, and where. */
async function executionStory(context: GradingContext<9>, execution: Execution | undefined): Promise<{ told: string; state?: string }> {
  if (!execution) return { told: `no execution of the reader started for it within ${DELIVERY_DEADLINE_MS / 1000} s` };
  const states = await executedStates(context.aws, execution.executionArn);
  const route = states.map((state) => state.name).join(' → ');
  // The last Choice decided where the letter went; that is the state to look at.
  if (execution.status === 'SUCCEEDED')
    return { told: `the reader's execution went ${route}`, state: states.findLast((state) => state.type === 'Choice')?.name ?? states.at(-1)?.name };
  const failed = failedState(states);
  return {
    told: `the reader's execution ${execution.status.toLowerCase()} in "${failed?.name}": ${explainFailure(failed?.error ?? execution.error, failed?.cause ?? execution.cause)} (${route})`,
    state: failed?.name,
  };
}

/** The reader as deployed: from the ASL file beside the learner's code, every placeholder filled, no Lambda. */
async function deployedReader(context: GradingContext<9>): Promise<Definition> {
  const aslPath = path.join(path.dirname(context.file), ASL_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(aslPath, 'utf8');
  } catch {
    text = undefined;
  }
  const problem = aslFileProblem(text);
  if (problem)
    throw new Miss({
      expected: `${ASL_FILE} to be a valid state machine (checked with asl-validator)`,
      found: problem.found,
      look: lookAtState(context, problem.state),
    });
  const machine = await ifExists(() => context.aws.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: readerOf(context) })));
  if (!machine) {
    throw new Miss({
      expected: `a state machine named ${context.name('letter-reader')} (np.name('letter-reader')), created from ${ASL_FILE}`,
      found: 'no state machine with that name',
      look: lookAtTodo(context, 4),
    });
  }
  const placeholders = [...new Set(machine.definition!.match(/\$\{\w+\}/g) ?? [])];
  if (placeholders.length > 0)
    throw new Miss({
      expected: 'deploy() to fill in every placeholder of the ASL file before CreateStateMachine',
      found: `the deployed definition still says ${placeholders.join(', ')}`,
      look: lookAtTodo(context, 4),
    });
  const role = await namespacedRole(context, 'letter-reader');
  if (machine.roleArn !== role.Arn)
    throw new Miss({ expected: `the reader to run as the role of task 2, ${role.Arn}`, found: `roleArn ${machine.roleArn}`, look: lookAtTodo(context, 4) });
  const definition = JSON.parse(machine.definition!) as Definition;
  const lambda = Object.entries(definition.States ?? {}).find(([, state]) => /lambda/i.test(state.Resource ?? ''));
  if (lambda)
    throw new Miss({
      expected: 'direct service integrations, no Lambda function',
      found: `the state "${lambda[0]}" calls ${lambda[1].Resource}`,
      look: lookAtState(context, lambda[0]),
    });
  return definition;
}

const sameOrder = (detail: unknown, order: Order) => JSON.stringify(Object.entries(detail as object).sort()) === JSON.stringify(Object.entries(order).sort());

async function letterReader(context: GradingContext<9>): Promise<void> {
  const definition = await deployedReader(context);
  const putEventsState = Object.entries(definition.States ?? {}).find(([, state]) => state.Resource === 'arn:aws:states:::events:putEvents')?.[0];
  const bucket = bucketOf(context);
  const letters = letterSamples();
  const s3 = await s3Windows.get(context.observers)!;
  const bus = await context.observers.bus(context.contract(1).busName);
  const unreadableUrl = await queueUrl(context, 'unreadable-letters', 2);

  await Promise.all([
    ...letters.map((letter) =>
      context.aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: letter.key, Body: letter.body, ContentType: letter.contentType })),
    ),
    context.aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: DRAWING.key, Body: DRAWING.body, ContentType: DRAWING.contentType })),
  ]);
  const good = letters.filter((letter) => letter.order);
  const bad = letters.filter((letter) => !letter.order);
  const handedOver: string[] = [];
  const parseKey = (message: Message) => {
    try {
      const { key } = JSON.parse(message.Body ?? '') as Partial<UnreadableLetter>;
      return typeof key === 'string' ? key : undefined;
    } catch {
      return undefined;
    }
  };
  const childOf = (letter: LetterSample) => {
    try {
      return (JSON.parse(letter.body) as Partial<Letter>).child;
    } catch {
      return undefined;
    }
  };
  // A letter's order carries its key; one put on the bus without an orderId is known by the child's name.
  const placed = (key: string) => {
    const letter = letters.find((candidate) => candidate.key === key)!;
    const fromLetter = (detail: Record<string, unknown>) =>
      detail.orderId === key || (detail.orderId === undefined && detail.child !== undefined && detail.child === childOf(letter));
    return bus.seen.filter((event) => event['detail-type'] === EventTypes.OrderPlaced && fromLetter(event.detail ?? {}));
  };
  // The reader's executions first: on a busy machine they are slow, not lost. What they sent then arrives at once.
  const finder = new ExecutionFinder(context.aws, readerOf(context), keyOf);
  const executions = await finder.waitUntilSettled(letters.map((letter) => letter.key));
  const [delivered, handed] = [new Deadline(DELIVERY_DEADLINE_MS), new Deadline(DELIVERY_DEADLINE_MS)];
  await Promise.all([
    bus.waitFor(() => good.every((letter) => placed(letter.key).length > 0), delivered, 'the orders of the letters on the orders bus'),
    receiveUntilAll(context.aws, unreadableUrl, parseKey, (seen) => bad.every((letter) => seen.includes(letter.key)), handedOver, handed),
  ]);
  // And whatever else is there by now: a bad letter's order, one order twice.
  await Promise.all([receiveWaiting(context.aws, unreadableUrl, parseKey, handedOver), receiveWaiting(context.aws, bus.queueUrl, parseEvent, bus.seen)]);

  for (const letter of bad) {
    const orders = placed(letter.key);
    if (orders.length > 0) {
      const { told, state } = await executionStory(context, executions.get(letter.key));
      throw new Miss({
        expected: `${letter.key}, ${letter.what}, to go to the elves (np.name('unreadable-letters')), never onto the orders bus: ${letter.unreadable}`,
        found: `it became an order: ${JSON.stringify(orders[0]!.detail)}; ${told}`,
        look: lookAtState(context, state),
      });
    }
  }
  for (const letter of good) {
    const orders = placed(letter.key);
    if (orders.length === 0) {
      const execution = executions.get(letter.key);
      const { told, state } = await executionStory(context, execution);
      const trail = await letterPath(context, letter, s3, execution);
      trail.missed(
        `${EventTypes.OrderPlaced} on the orders bus ${context.contract(1).busName}`,
        handedOver.includes(letter.key) ? 'the reader handed it to the elves instead' : 'none arrived',
      );
      throw new Miss({
        expected: `${letter.key}, ${letter.what}, to become an ${EventTypes.OrderPlaced} on the orders bus with the order ${JSON.stringify(letter.order)}`,
        found: `${handedOver.includes(letter.key) ? 'it went to the unreadable letters queue' : `no ${EventTypes.OrderPlaced} for it ${delivered.within()}`}; ${told}`,
        look: lookAtState(context, state),
        path: trail,
      });
    }
    const event = orders[0]!;
    if (event.source !== ORDERS_SOURCE || !sameOrder(event.detail, letter.order!)) {
      throw new Miss({
        expected: `the ${EventTypes.OrderPlaced} of ${letter.key} to be the order the API would place, from ${ORDERS_SOURCE}: ${JSON.stringify(letter.order)}. The orderId is the letter's key; the address and the message stay in the letter`,
        found: `source ${event.source}, detail ${JSON.stringify(event.detail)}`,
        look: lookAtState(context, putEventsState),
      });
    }
    if (orders.length > 1)
      throw new Miss({ expected: `one ${EventTypes.OrderPlaced} for ${letter.key}`, found: `${orders.length} of them`, look: lookAtState(context) });
  }
  for (const letter of bad) {
    const count = handedOver.filter((key) => key === letter.key).length;
    if (count !== 1) {
      const execution = executions.get(letter.key);
      const { told, state } = await executionStory(context, execution);
      const trail = await letterPath(context, letter, s3, execution);
      trail.missed(`the unreadable letters queue ${context.name('unreadable-letters')}`, count === 0 ? 'nothing for it arrived' : `it arrived ${count} times`);
      throw new Miss({
        expected: `${letter.key}, ${letter.what}, in the unreadable letters queue once, as {"bucket": "${bucket}", "key": "${letter.key}"}: ${letter.unreadable}`,
        found: `${count === 0 ? `it did not arrive ${handed.within()}` : `it arrived ${count} times`}; ${told}`,
        look: lookAtState(context, state),
        path: count === 0 ? trail : undefined,
      });
    }
  }
  if (finder.seen.some((execution) => keyOf(execution.input) === DRAWING.key) || handedOver.includes(DRAWING.key)) {
    throw new Miss({
      expected: `${DRAWING.key}, a drawing outside letters/, to start no execution at all`,
      found: 'the reader ran for it: the rule of task 3 takes it',
      lookAtTask: 3,
    });
  }
  // LocalStack's Catch takes errors AWS never lets a Catch take: the letter went where it should here, and would fail on AWS.
  const histories = await Promise.all(
    letters.map(async (letter) => {
      const execution = executions.get(letter.key);
      return execution ? executedStates(context.aws, execution.executionArn) : [];
    }),
  );
  for (const [index, letter] of letters.entries()) {
    const execution = executions.get(letter.key);
    const unlikeAws = histories[index]!.find((state) => uncaughtOnAws(state));
    if (unlikeAws) {
      throw new Miss({
        expected: `the reader to decide from ContentType and ContentLength (headObject) whether it can read ${letter.key}, ${letter.what}, before it reads`,
        found: `${uncaughtOnAws(unlikeAws)}. Look before you read`,
        look: lookAtState(context, unlikeAws.name),
        path: await letterPath(context, letter, s3, execution),
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Task 5: the connection, the API destination and its role; one update through them

async function trackerDestination(context: GradingContext<9>): Promise<void> {
  const tracker = trackerOf(context);
  const name = context.name('tracker');
  const connection = await ifExists(() => context.aws.eventBridge.send(new DescribeConnectionCommand({ Name: name })));
  if (!connection) throw new Miss({ expected: `an EventBridge connection named ${name} (np.name('tracker'))`, found: 'no connection with that name' });
  const keyName = connection.AuthParameters?.ApiKeyAuthParameters?.ApiKeyName;
  if (connection.AuthorizationType !== 'API_KEY' || keyName?.toLowerCase() !== tracker.endpoint.apiKeyName) {
    throw new Miss({
      expected: `the connection to authorize with the tracker's API key: AuthorizationType API_KEY, ApiKeyName "${tracker.endpoint.apiKeyName}" (tracker.apiKeyName), ApiKeyValue tracker.apiKey`,
      found: `AuthorizationType ${connection.AuthorizationType}${keyName ? `, ApiKeyName "${keyName}"` : ''}: the tracker refuses every update without its key`,
    });
  }
  const destination = await ifExists(() => context.aws.eventBridge.send(new DescribeApiDestinationCommand({ Name: name })));
  if (!destination) throw new Miss({ expected: `an API destination named ${name} (np.name('tracker'))`, found: 'no API destination with that name' });
  if (destination.ConnectionArn !== connection.ConnectionArn)
    throw new Miss({ expected: `the API destination to use the connection ${connection.ConnectionArn}`, found: `ConnectionArn ${destination.ConnectionArn}` });
  if (destination.InvocationEndpoint !== tracker.endpoint.updatesUrl) {
    const wildcard = destination.InvocationEndpoint?.includes('*');
    throw new Miss({
      expected: `InvocationEndpoint ${tracker.endpoint.updatesUrl} (tracker.updatesUrl), exactly: the order travels in the body`,
      found: `${destination.InvocationEndpoint}${wildcard ? `: a "*" is filled from the target's PathParameterValues, which LocalStack appends to the address instead of putting them in place of the "*" as AWS does, so the address differs between the two (${AWS_VS_LOCALSTACK})` : ''}`,
    });
  }
  if (destination.HttpMethod !== 'POST')
    throw new Miss({ expected: 'HttpMethod POST: the tracker takes updates with POST', found: `HttpMethod ${destination.HttpMethod}` });
  const rate = destination.InvocationRateLimitPerSecond;
  if (rate === undefined || rate > TRACKER_UPDATES_PER_SECOND) {
    throw new Miss({
      expected: `InvocationRateLimitPerSecond at most ${TRACKER_UPDATES_PER_SECOND} (TRACKER_UPDATES_PER_SECOND), what the tracker can take: on Christmas Eve a burst of orders must not flood a small server`,
      found: rate === undefined ? 'no limit: EventBridge would call the tracker up to 300 times a second' : `InvocationRateLimitPerSecond ${rate}`,
    });
  }
  const role = await namespacedRole(context, 'tracker');
  checkTrust(role, 'events.amazonaws.com', 'EventBridge invokes the API destination with it');
  await checkGrants(context, role, [
    {
      action: 'events:InvokeApiDestination',
      resource: destination.ApiDestinationArn!,
      what: 'the tracker API destination',
      other: `${apiDestinationArnPrefix(context.name('elsewhere'))}0000`,
    },
  ]);

  // One update through the learner's connection and destination, on a bus and rule of the grader's own.
  const checkName = context.name('tracker-check');
  const orderId = `tracker-check-${context.namespace}`;
  await context.aws.eventBridge.send(new CreateEventBusCommand({ Name: checkName }));
  await context.aws.eventBridge.send(
    new PutRuleCommand({ Name: checkName, EventBusName: checkName, EventPattern: JSON.stringify({ source: [ORDERS_SOURCE] }) }),
  );
  const target: Target = {
    Id: 'tracker',
    Arn: destination.ApiDestinationArn,
    RoleArn: role.Arn,
    InputTransformer: {
      InputPathsMap: { orderId: '$.detail.orderId', status: '$.detail-type', time: '$.time' },
      InputTemplate: '{"orderId": <orderId>, "status": <status>, "time": <time>}',
    },
  };
  await context.aws.eventBridge.send(new PutTargetsCommand({ Rule: checkName, EventBusName: checkName, Targets: [target] }));
  const before = tracker.deliveries.length;
  const order: Order = { orderId, child: 'Ada', gift: 'kite', quantity: 1 };
  // The learner's Task 6 rules may already be sending the letters' orders through the same destination,
  // however late the machine is: a body refused for what it holds is theirs, not this check's, whose body
  // is an update's three fields. A refused key or address is the destination's, whoever sent through it.
  const ofThisCheck = (delivery: Delivery) =>
    delivery.update?.orderId === orderId ||
    (delivery.status !== 202 &&
      delivery.status !== 413 &&
      (delivery.status !== 400 || (delivery.fields ?? []).every((field) => ['orderId', 'status', 'time'].includes(field))));
  await context.aws.eventBridge.send(
    new PutEventsCommand({ Entries: [{ EventBusName: checkName, Source: ORDERS_SOURCE, DetailType: EventTypes.OrderPlaced, Detail: JSON.stringify(order) }] }),
  );
  await tracker.waitFor((deliveries) => deliveries.slice(before).some(ofThisCheck), TRACKER_WAIT_MS);
  const came = tracker.deliveries.slice(before).filter(ofThisCheck);
  if (came.some((delivery) => delivery.update?.orderId === orderId)) return;
  const refused = came.find((delivery) => delivery.status !== 202);
  if (refused) {
    throw new Miss({
      expected: `the tracker to take an update the grader sent through your API destination (a rule of its own, with your role and the right input transformer)`,
      found: `the tracker answered ${refused.status} to ${refused.method} ${refused.path}: ${refused.problem}${refused.status === 401 ? ' Is ApiKeyValue tracker.apiKey?' : ''}`,
    });
  }
  // A LocalStack the kit did not start on this machine may not reach its loopback at all: not the learner's mistake.
  if (context.localstack.mode !== 'host' && !(await trackerReachable(context, tracker, checkName, role.Arn!))) {
    throw new EnvironmentError(
      'LocalStack cannot reach the order tracker on this machine',
      `The tracker listens on this machine's loopback (${tracker.endpoint.updatesUrl}), and LocalStack runs ${context.localstack.mode === 'docker' ? 'in a Docker container, whose 127.0.0.1 is the container' : `at ${context.localstack.endpoint}, where 127.0.0.1 may not be this machine (a container, another machine)`}: an update through an API destination of the grader's own did not arrive either.`,
      'Grade exercise 9 with the no-Docker LocalStack: NORTHPOLE_LOCALSTACK=host npm run exercise 9 (`npm run doctor -- --track` says which exercises an endpoint can grade).',
    );
  }
  throw new Miss({
    expected: `an update the grader sent through your API destination (a rule of its own, with your role) to reach the tracker at ${tracker.endpoint.updatesUrl}`,
    found: `nothing reached the tracker within ${TRACKER_WAIT_MS / 1000} s`,
  });
}

/** Whether an update through a connection and API destination of the grader's own, with the tracker's key and address, arrives. */
async function trackerReachable(context: GradingContext<9>, tracker: RunningTracker, busName: string, roleArn: string): Promise<boolean> {
  const name = context.name('tracker-probe');
  const { ConnectionArn } = await context.aws.eventBridge.send(
    new CreateConnectionCommand({
      Name: name,
      AuthorizationType: 'API_KEY',
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: tracker.endpoint.apiKeyName, ApiKeyValue: tracker.endpoint.apiKey } },
    }),
  );
  const { ApiDestinationArn } = await context.aws.eventBridge.send(
    new CreateApiDestinationCommand({ Name: name, ConnectionArn, InvocationEndpoint: tracker.endpoint.updatesUrl, HttpMethod: 'POST' }),
  );
  await context.aws.eventBridge.send(new PutRuleCommand({ Name: name, EventBusName: busName, EventPattern: JSON.stringify({ source: ['northpole.probe'] }) }));
  await context.aws.eventBridge.send(
    new PutTargetsCommand({
      Rule: name,
      EventBusName: busName,
      Targets: [
        {
          Id: 'tracker',
          Arn: ApiDestinationArn,
          RoleArn: roleArn,
          Input: JSON.stringify({ orderId: name, status: EventTypes.OrderPlaced, time: new Date().toISOString() }),
        },
      ],
    }),
  );
  await context.aws.eventBridge.send(
    new PutEventsCommand({ Entries: [{ EventBusName: busName, Source: 'northpole.probe', DetailType: 'Probe', Detail: '{}' }] }),
  );
  return tracker.waitFor((deliveries) => deliveries.some((delivery) => delivery.update?.orderId === name), TRACKER_WAIT_MS);
}

// ---------------------------------------------------------------------------------------------
// Task 6: the learner's rules, then every status change of real orders

const trackerSample: Order = { orderId: 'pattern-check', child: 'Ada', gift: 'kite', quantity: 1, list: 'nice' };
const fulfilledSample: FulfilledOrder = { ...trackerSample, outcome: 'shipped', fulfilledAt: '2026-12-24T22:00:00Z' };
const failedSample: FailedOrder = { order: trackerSample, error: { Error: 'States.TaskFailed', Cause: 'the workshop queue is gone' } };

const samples = {
  placed: { what: `an ${EventTypes.OrderPlaced} from ${ORDERS_SOURCE}`, event: sampleEvent(ORDERS_SOURCE, EventTypes.OrderPlaced, trackerSample) },
  fulfilled: {
    what: `an ${EventTypes.OrderFulfilled} from ${FULFILMENT_SOURCE}`,
    event: sampleEvent(FULFILMENT_SOURCE, EventTypes.OrderFulfilled, fulfilledSample),
  },
  coal: {
    what: `a coal ${EventTypes.OrderFulfilled} (outcome "coal")`,
    event: sampleEvent(FULFILMENT_SOURCE, EventTypes.OrderFulfilled, { ...fulfilledSample, list: 'naughty', outcome: 'coal' }),
  },
  failed: {
    what: `an ${EventTypes.OrderFailed} from ${FULFILMENT_SOURCE}: its order is under detail.order`,
    event: sampleEvent(FULFILMENT_SOURCE, EventTypes.OrderFailed, failedSample),
  },
  cancelled: {
    what: `an OrderCancelled from ${ORDERS_SOURCE}: not a status the tracker knows`,
    event: sampleEvent(ORDERS_SOURCE, 'OrderCancelled', trackerSample),
  },
  stranger: {
    what: `an ${EventTypes.OrderPlaced} from another producer (northpole.toyshop)`,
    event: sampleEvent('northpole.toyshop', EventTypes.OrderPlaced, trackerSample),
  },
};

async function trackerRule(context: GradingContext<9>, base: 'tracker-orders' | 'tracker-failures', what: string, wanted: PatternSample[]): Promise<Target> {
  const ruleName = context.name(base);
  const busName = context.contract(1).busName;
  const rule = await enabledRule(context, ruleName, busName);
  await checkPattern(context, { ruleName, pattern: rule.EventPattern ?? '{}', samples: wanted, expected: `the rule ${ruleName} to match ${what}` });
  const destination = await context.aws.eventBridge.send(new DescribeApiDestinationCommand({ Name: context.name('tracker') }));
  const targets = await targetsOf(context, ruleName, busName);
  const target = targets.find((candidate) => candidate.Arn === destination.ApiDestinationArn);
  if (!target)
    throw new Miss({
      expected: `the API destination ${destination.ApiDestinationArn} as a target of ${ruleName}`,
      found: targets.length ? `targets ${targets.map((candidate) => candidate.Arn).join(', ')}` : 'no targets',
    });
  const role = await namespacedRole(context, 'tracker');
  if (target.RoleArn !== role.Arn)
    throw new Miss({
      expected: `RoleArn ${role.Arn} on the target of ${ruleName}: EventBridge invokes an API destination with a role`,
      found: target.RoleArn ? `RoleArn ${target.RoleArn}` : 'no RoleArn: AWS would invoke nothing (LocalStack does not check)',
    });
  if (!target.InputTransformer) {
    throw new Miss({
      expected: `an InputTransformer on the target of ${ruleName} that sends {"orderId", "status", "time"} and nothing else`,
      found: `${target.InputPath ? `InputPath ${target.InputPath}: the order, with the child's name, the gift and the list` : "no transformer: the whole event, with the child's name, the gift and the list"}, to a page every child can see`,
    });
  }
  return target;
}

/** The order an event on the orders bus is about: an order, or the order of a FailedOrder. */
const orderIdOfEvent = (event: BusEvent) => (event.detail?.orderId ?? (event.detail?.order as Order | undefined)?.orderId) as string | undefined;

interface Expected {
  orderId: string;
  status: TrackerUpdate['status'];
  /** What it is in words, for a Miss. */
  what: string;
}

/** Why the tracker refused an update, in the learner's terms, and the task to look at. */
function refusalMiss(delivery: Delivery): Miss {
  if (delivery.status === 401)
    return new Miss({ expected: `every update to carry the tracker's API key`, found: `the tracker refused one: ${delivery.problem}`, lookAtTask: 5 });
  if (delivery.status === 404)
    return new Miss({
      expected: 'every update to go to POST /updates, the order in its body',
      found: `the tracker got ${delivery.method} ${delivery.path}: ${delivery.problem}`,
      lookAtTask: 5,
    });
  const fields = delivery.fields ?? [];
  const extra = fields.filter((field) => !['orderId', 'status', 'time'].includes(field));
  if (extra.length === 0 && /orderId must NOT have fewer than 1 characters/.test(delivery.problem ?? '')) {
    return new Miss({
      expected: "every update's orderId to be the order's: the transformer's path must find it in each event it gets",
      found: `the tracker refused an update with an empty orderId (${delivery.problem}): LocalStack sends "" for a path that finds nothing. An OrderFailed keeps its order under detail.order`,
    });
  }
  return new Miss({
    expected:
      'every update the tracker gets to be {"orderId": …, "status": …, "time": …}: the order, the event\'s detail-type and its time, nothing a child should not see',
    found: extra.length
      ? `an update with the fields ${extra.join(', ')} beside ${fields.filter((field) => !extra.includes(field)).join(', ') || 'nothing else'}${extra.includes('detail') ? ": the whole event, the child's name, gift and list with it" : ''}. The tracker refused it (${delivery.problem})`
      : `the tracker refused one: ${delivery.problem}`,
  });
}

async function trackerRules(context: GradingContext<9>): Promise<void> {
  await trackerRule(context, 'tracker-orders', `${EventTypes.OrderPlaced} from ${ORDERS_SOURCE} and ${EventTypes.OrderFulfilled} from ${FULFILMENT_SOURCE}`, [
    { ...samples.placed, matches: true },
    { ...samples.fulfilled, matches: true },
    { ...samples.coal, matches: true },
    { ...samples.failed, matches: false },
    { ...samples.cancelled, matches: false, envelope: 'detail-type' },
    { ...samples.stranger, matches: false, envelope: 'source' },
  ]);
  await trackerRule(context, 'tracker-failures', `${EventTypes.OrderFailed} from ${FULFILMENT_SOURCE} only`, [
    { ...samples.failed, matches: true },
    { ...samples.placed, matches: false },
    { ...samples.fulfilled, matches: false },
  ]);

  const tracker = trackerOf(context);
  const bus = await context.observers.bus(context.contract(1).busName);
  const letters = letterSamples().filter((letter) => letter.order);
  const naughty: Order = { orderId: `coal-${context.namespace}`, child: 'Krampus', gift: 'drum kit', quantity: 1, list: 'naughty' };
  const failed: FailedOrder = {
    order: { orderId: `failed-${context.namespace}`, child: 'Holly', gift: 'glass angel', quantity: 1, fragile: true },
    error: { Error: 'States.Timeout', Cause: 'no elf answered' },
  };
  await putOrders(context, [naughty]);
  const { FailedEntryCount } = await context.aws.eventBridge.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: context.contract(1).busName, Source: FULFILMENT_SOURCE, DetailType: EventTypes.OrderFailed, Detail: JSON.stringify(failed) }],
    }),
  );
  if (FailedEntryCount) throw new Error(`The grader could not put its OrderFailed on the bus (FailedEntryCount ${FailedEntryCount}).`);

  const expected: Expected[] = [
    ...letters.flatMap((letter) => [
      { orderId: letter.key, status: EventTypes.OrderPlaced, what: `the letter ${letter.key}, placed` },
      { orderId: letter.key, status: EventTypes.OrderFulfilled, what: `the letter ${letter.key}, fulfilled by the workflow of exercise 7` },
    ]),
    { orderId: naughty.orderId, status: EventTypes.OrderPlaced, what: 'an order from a child on the naughty list, placed' },
    { orderId: naughty.orderId, status: EventTypes.OrderFulfilled, what: 'the same order, fulfilled with coal (the page must not tell it)' },
    { orderId: failed.order.orderId, status: EventTypes.OrderFailed, what: 'an order that failed (OrderFailed, its order under detail.order)' },
  ];
  const taken = (deliveries: Delivery[], want: Expected) =>
    deliveries.filter((delivery) => delivery.update?.orderId === want.orderId && delivery.update.status === want.status);
  const checkOrderId = `tracker-check-${context.namespace}`;
  const ours = (delivery: Delivery) => delivery.update?.orderId !== checkOrderId;
  const eventOf = (want: Expected) => bus.seen.find((seen) => seen['detail-type'] === want.status && orderIdOfEvent(seen) === want.orderId);
  // The events on the bus and the tracker's updates, side by side; a refused update ends both waits.
  const refusedYet = () => tracker.deliveries.some((delivery) => delivery.status !== 202);
  // Fulfilment first (the workflow of exercise 7): what it announces then reaches the bus and the tracker at once.
  await new ExecutionFinder(context.aws, context.contract(7).stateMachineArn).waitUntilSettled([...letters.map((letter) => letter.key), naughty.orderId]);
  const announced = new Deadline(DELIVERY_DEADLINE_MS);
  await bus.waitFor(() => expected.every((want) => eventOf(want)) || refusedYet(), announced, "the orders' status changes on the orders bus");
  await tracker.waitFor((deliveries) => expected.every((want) => taken(deliveries, want).length > 0) || refusedYet(), TRACKER_WAIT_MS);

  const refused = tracker.deliveries.find((delivery) => delivery.status !== 202);
  if (refused) throw refusalMiss(refused);
  const bad = letterSamples().filter((letter) => !letter.order);
  const leaked = tracker.deliveries.find((delivery) => bad.some((letter) => letter.key === delivery.update?.orderId));
  if (leaked)
    throw new Miss({
      expected: 'no update for a letter the reader handed to the elves',
      found: `the tracker got ${JSON.stringify(leaked.update)}`,
      lookAtTask: 4,
    });
  for (const want of expected) {
    const got = taken(tracker.deliveries, want);
    const event = eventOf(want);
    if (got.length === 0) {
      const trail = new OrderPath(want.orderId);
      if (!event) {
        trail.missed(`${want.status} on the orders bus`, `none ${announced.within()}`);
      } else {
        trail.reached(`${want.status} on the orders bus ${context.contract(1).busName}`, `source ${event.source}`);
        await trail.rules(context.aws, context.contract(1).busName, event, {
          ownPrefix: context.name(''),
          expected: [context.name(want.status === EventTypes.OrderFailed ? 'tracker-failures' : 'tracker-orders')],
        });
        const others = tracker.deliveries.filter(ours).map((delivery) => delivery.update);
        trail.missed(
          `the tracker at ${tracker.endpoint.updatesUrl}`,
          others.length ? `it took ${others.length} other updates, e.g. ${JSON.stringify(others[0])}, none for this order` : 'it got nothing from your rules',
        );
      }
      throw new Miss({
        expected: `the tracker to get {"orderId": "${want.orderId}", "status": "${want.status}", "time": …}: ${want.what}`,
        found: event
          ? `the ${want.status} was on the bus, and no update for it reached the tracker within ${TRACKER_WAIT_MS / 1000} s`
          : `no ${want.status} for it on the bus ${announced.within()}`,
        path: trail,
      });
    }
    if (event && got[0]!.update!.time !== event.time) {
      throw new Miss({
        expected: `the update's time to be the event's, ${event.time} ($.time): the page orders each child's updates by it`,
        found: `time ${got[0]!.update!.time} on ${JSON.stringify(got[0]!.update)}`,
      });
    }
  }
  for (const orderId of new Set(expected.map((want) => want.orderId))) {
    const shown = tracker.timeline(orderId).map((update) => update.status);
    const wanted = expected.filter((want) => want.orderId === orderId).map((want) => want.status);
    if (JSON.stringify(shown) !== JSON.stringify(wanted)) {
      throw new Miss({ expected: `the page to show ${orderId} as ${wanted.join(' then ')}`, found: `it shows ${shown.join(' then ') || 'nothing'}` });
    }
  }
  checkReturnedLetters(context);
  context.note(
    `The tracker took ${tracker.deliveries.filter(ours).length} updates for ${new Set(expected.map((want) => want.orderId)).size} orders: ${letters.length} from letters, placed then fulfilled; coal shown as fulfilled; one failed`,
  );
}

// ---------------------------------------------------------------------------------------------

function checkReturnedLetters(context: GradingContext<9>): void {
  const returned = deployedValue(context);
  const wanted = {
    bucketName: bucketOf(context),
    letterReaderArn: readerOf(context),
    unreadableQueueArn: queueArn(context.name('unreadable-letters')),
    lettersRuleName: context.name('letters-arrive'),
    trackerOrdersRuleName: context.name('tracker-orders'),
    trackerFailuresRuleName: context.name('tracker-failures'),
  };
  const wrong = Object.entries(wanted).filter(([field, value]) => returned[field as keyof typeof wanted] !== value);
  if (wrong.length > 0) {
    throw new Miss({
      expected: `deploy() to return ${wrong.map(([field, value]) => `${field} ${value}`).join(', ')} (LettersToSanta in kit/contracts.ts)`,
      found: `it returned ${JSON.stringify(returned)}`,
    });
  }
}

export default defineGrader<9>({
  // No order the API or a letter places ends with the elves: only letters that are no order do.
  sinks: (deployed) => [{ name: 'the unreadable letters', queueUrl: deployed.unreadableQueueUrl, receives: () => false, delivery: 'once' }],

  fixture: async (context) => {
    const tracker = await startTracker();
    trackers.set(context.observers, tracker);
    return { value: tracker.endpoint, close: () => tracker.close() };
  },

  prepare: async (context) => {
    // Both windows exist before deploy(): the first letter and the first order are seen.
    s3Windows.set(context.observers, watchS3(context));
    await Promise.all([s3Windows.get(context.observers), context.observers.bus(context.contract(1).busName)]);
  },

  tasks: {
    1: letterBucket,
    2: readerQueueAndRole,
    3: lettersRule,
    4: letterReader,
    5: trackerDestination,
    6: trackerRules,
  },
});
