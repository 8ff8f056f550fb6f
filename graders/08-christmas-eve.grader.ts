import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListArchivesCommand,
  ListTargetsByRuleCommand,
  type DescribeReplayCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { queueArn } from '../kit/aws/arns.ts';
import { restApiInvokeUrl } from '../kit/aws/endpoints.ts';
import { EventTypes, FULFILMENT_SOURCE, ORDERS_SOURCE, type Inspection, type Order, type OutageWindow, type Recovery } from '../kit/contracts.ts';
import { EnvironmentError } from '../kit/environmentError.ts';
import type { AwsAnswered } from '../kit/grading/awsAnswers.ts';
import {
  countByOrder,
  drainSinks,
  misdeliveryIn,
  latencies,
  orderIdIn,
  percentile,
  placeOrders,
  type AcceptedOrder,
  type Placement,
  type Tally,
} from '../kit/grading/checks/batch.ts';
import { ifExists, patternMatches, sampleEvent } from '../kit/grading/checks/evidence.ts';
import { ExecutionFinder } from '../kit/grading/checks/executions.ts';
import { Miss, defineGrader, deployedValue, type DeployedStep, type GradingContext, type WholeSystem } from '../kit/grading/checks/grader.ts';
import { pollUntil, receiveUntilAll, receiveWaiting, type Observers } from '../kit/grading/checks/observe.ts';
import { probeReplay } from '../kit/grading/checks/replays.ts';
import { deliveryProblem } from '../kit/grading/checks/resourcePolicies.ts';
import { howOften, times } from '../kit/grading/checks/routing.ts';
import { exerciseDir, finalSteps, standsInFor, type Exercise } from '../kit/track.ts';
import { orderEvent, putOrders } from './shared/orders.ts';

const INSTRUCTIONS = 'exercises/08-christmas-eve/README.md';
const replayedEvent = (order: Order) => JSON.stringify({ ...(JSON.parse(orderEvent(order)) as object), 'replay-name': 'christmas-eve-replay' });
const sample: Order = { orderId: 'pattern-check', child: 'Ada', gift: 'kite', quantity: 1, list: 'nice' };
// Each stranger differs from an OrderPlaced of northpole.orders in one field at most: a pattern must name both.
const strangers = [
  {
    event: sampleEvent(FULFILMENT_SOURCE, EventTypes.OrderFulfilled, { ...sample, outcome: 'shipped', fulfilledAt: '2026-12-24T23:59:00Z' }),
    what: 'OrderFulfilled from northpole.fulfilment',
  },
  { event: sampleEvent('northpole.toyshop', EventTypes.OrderPlaced, sample), what: 'OrderPlaced from northpole.toyshop' },
  {
    event: sampleEvent(ORDERS_SOURCE, 'OrderCancelled', sample),
    what: `OrderCancelled from ${ORDERS_SOURCE} (another event the orders service may put on the bus)`,
  },
];
/** How long DescribeReplay says RUNNING to recover(), as a replay on AWS does for a while. */
const REPLAY_RUNNING_MS = 1_500;
/**
 * More RUNNING answers than this in REPLAY_RUNNING_MS is a loop without a pause (one call every 30 ms
 * or less). The kit answers those calls itself at once, so a busy machine makes a loop slower, never faster.
 */
const MOST_RUNNING_CALLS = 50;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The outage drill of tasks 3 and 4: the orders before and during it, the window, and what recover() did. */
interface Drill {
  before: Order[];
  during: Order[];
  window: OutageWindow;
  recovered: Recovery;
  /** What DescribeReplay answered recover(), as AWS would have. */
  answered?: AwsAnswered['describeReplay'];
}
// Runs of this grader may overlap, so each run's state is kept under its Observers.
const drills = new WeakMap<Observers, Drill>();
const replayProbes = new WeakMap<Observers, Promise<EnvironmentError | undefined>>();

async function archiveOf(context: GradingContext) {
  const archiveName = context.name('orders-archive');
  const archive = await ifExists(() => context.aws.eventBridge.send(new DescribeArchiveCommand({ ArchiveName: archiveName })));
  if (!archive) {
    const { Archives = [] } = await context.aws.eventBridge.send(new ListArchivesCommand({ NamePrefix: context.name('') }));
    const ours = Archives.map((candidate) => candidate.ArchiveName).filter((name) => !name?.includes('replay-probe'));
    throw new Miss({
      expected: `an archive named ${archiveName} (np.name('orders-archive'))`,
      found: ours.length ? `archives named ${ours.join(', ')}` : 'no archive with that name',
    });
  }
  return archive;
}

async function lettersQueueUrl(context: GradingContext): Promise<string> {
  const url = (await ifExists(() => context.aws.sqs.send(new GetQueueUrlCommand({ QueueName: context.name('letters') }))))?.QueueUrl;
  if (!url) throw new Miss({ expected: `an SQS queue named ${context.name('letters')} (np.name('letters'))`, found: 'no queue with that name' });
  return url;
}

async function fulfilmentRuleArn(context: GradingContext): Promise<string> {
  const { Arn } = await context.aws.eventBridge.send(
    new DescribeRuleCommand({ Name: context.contract(7).ruleName, EventBusName: context.contract(1).busName }),
  );
  return Arn!;
}

const drillOrder = (context: GradingContext, id: string, fields: Omit<Order, 'orderId' | 'quantity'>): Order => ({
  orderId: `${id}-${context.namespace}`,
  quantity: 1,
  ...fields,
});

const floorSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * An outage: the fulfilment rule is disabled while `during` are placed, then enabled again. The
 * window runs from the second the first was placed to the second after the last (event times are
 * whole seconds), once the archive holds them all.
 */
async function outage(
  aws: GradingContext['aws'],
  rule: { busName: string; ruleName: string; archiveName: string },
  place: () => Promise<number>,
): Promise<OutageWindow> {
  const archived = async () => (await aws.eventBridge.send(new DescribeArchiveCommand({ ArchiveName: rule.archiveName }))).EventCount ?? 0;
  const archivedBefore = await archived();
  await aws.eventBridge.send(new DisableRuleCommand({ Name: rule.ruleName, EventBusName: rule.busName }));
  const start = floorSecond(Date.now());
  try {
    const placed = await place();
    await pollUntil(10_000, async () => ((await archived()) >= archivedBefore + placed ? true : undefined));
  } finally {
    await aws.eventBridge.send(new EnableRuleCommand({ Name: rule.ruleName, EventBusName: rule.busName }));
  }
  const end = Math.max(floorSecond(Date.now()) + 1_000, start + 1_000);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

const replayText = (replay: DescribeReplayCommandOutput) =>
  JSON.stringify({
    EventSourceArn: replay.EventSourceArn,
    EventStartTime: replay.EventStartTime,
    EventEndTime: replay.EventEndTime,
    Destination: replay.Destination,
  });

/** What is wrong with a replay's aim and window, or nothing. */
function aimProblem(
  replay: DescribeReplayCommandOutput,
  aim: { archiveArn: string; busArn: string; ruleArn: string; window: OutageWindow },
): { expected: string; found: string } | undefined {
  if (replay.EventSourceArn !== aim.archiveArn)
    return { expected: `the replay to start from the orders archive, ${aim.archiveArn} (EventSourceArn)`, found: replayText(replay) };
  if (replay.Destination?.Arn !== aim.busArn)
    return { expected: `the replay's Destination.Arn to be the orders bus, ${aim.busArn}`, found: replayText(replay) };
  const filter = replay.Destination?.FilterArns ?? [];
  if (filter.length !== 1 || filter[0] !== aim.ruleArn) {
    return {
      expected: `Destination.FilterArns [${aim.ruleArn}]: the fulfilment rule alone. On AWS a replay without FilterArns goes to every rule on the bus, so every department and every letter would get the missed orders a second time (LocalStack ignores FilterArns, so the kit reads the replay back)`,
      found: filter.length ? `FilterArns ${JSON.stringify(filter)}` : 'no FilterArns: the whole bus',
    };
  }
  const off = (given: Date | undefined, wanted: string) => !given || Math.abs(given.getTime() - Date.parse(wanted)) >= 1_000;
  if (off(replay.EventStartTime, aim.window.start) || off(replay.EventEndTime, aim.window.end)) {
    return {
      expected: `the replay to cover exactly the outage: EventStartTime ${aim.window.start} and EventEndTime ${aim.window.end} (new Date(window.start), new Date(window.end))`,
      found: `EventStartTime ${replay.EventStartTime?.toISOString()} and EventEndTime ${replay.EventEndTime?.toISOString()}${replay.EventEndTime && replay.EventEndTime.getTime() <= Date.parse(aim.window.start) ? ': it ends before the outage began, so the missed orders are never replayed' : ''}`,
    };
  }
  return undefined;
}

/** recover()'s answer, or a Miss that says what it threw. */
function recovery(outcome: Awaited<ReturnType<GradingContext['callLearner']>>, look: string): Recovery {
  if (outcome.kind === 'returned' && outcome.value && typeof (outcome.value as Recovery).replayName === 'string') return outcome.value as Recovery;
  throw new Miss({
    expected: 'recover(np, christmasEve, window) to start a replay and return { replayName, state }',
    found: outcome.kind === 'returned' ? `it returned ${JSON.stringify(outcome.value)}` : outcome.message,
    look,
  });
}

const lookAt = (task: number, what = 'recover()') =>
  `exercises/08-christmas-eve/christmasEve.ts, ${what}, the "Task ${task}" TODO; instructions: ${INSTRUCTIONS}, Task ${task}`;

// ---------------------------------------------------------------------------------------------
// Task 5: the batch. Orders of every kind, each with the queues it should end in (the sinks each
// deployed step declares), sent through the learner's API, some during an outage and replayed.

interface Batch {
  requests: { body: Record<string, unknown>; kind: string }[];
}

const KINDS: Omit<Order, 'orderId' | 'child'>[] = [
  { gift: 'wooden train', quantity: 1, list: 'nice', sku: 'TOY-TRAIN-01', weightKg: 2, region: 'europe' },
  { gift: 'picture book', quantity: 1, list: 'nice', sku: 'BOOK-FOX-02', weightKg: 0.5, region: 'asia' },
  { gift: 'candy canes', quantity: 3, list: 'nice', sku: 'SWEET-CANE-03', region: 'africa' },
  { gift: 'drum kit', quantity: 1, list: 'naughty', sku: 'TOY-DRUM-04', weightKg: 8, region: 'north-america' },
  { gift: 'kite', quantity: 1, sku: 'TOY-KITE-05', region: 'oceania' },
  { gift: 'rocking horse', quantity: 1, list: 'nice', sku: 'TOY-HORSE-06', weightKg: 25, region: 'south-america' },
  { gift: 'teddy bear', quantity: 1, list: 'nice', sku: 'TOY-BEAR-07', giftWrap: { paper: 'candy-stripe' }, region: 'europe' },
  { gift: 'snow globe', quantity: 1, list: 'nice', sku: 'TOY-GLOBE-08', express: true, region: 'asia' },
  { gift: 'crayons', quantity: 12, list: 'nice', sku: 'TOY-CRAYON-09', region: 'africa' },
  { gift: 'piano', quantity: 1, list: 'nice', sku: 'TOY-PIANO-10', weightKg: 90, giftWrap: { paper: 'gold' }, express: true, region: 'europe' },
  { gift: 'lump of coal', quantity: 1, list: 'naughty', weightKg: 30, region: 'oceania' },
  { gift: 'glass bauble', quantity: 2, list: 'nice', sku: 'TOY-BAUBLE-12', weightKg: 0.1, region: 'north-america', fragile: true },
];
const BAD: Record<string, unknown>[] = [
  { child: 'Tom', gift: 'kite', quantity: 1 },
  { orderId: 'x', gift: 'kite', quantity: 1 },
  { orderId: 'x', child: 'Tom', quantity: 1 },
  { orderId: 'x', child: 'Tom', gift: 'kite' },
  { orderId: 'x', child: 'Tom', gift: 'kite', quantity: 0 },
  { orderId: 'x', child: 'Tom', gift: 'kite', quantity: 'two' },
  { orderId: 'x', child: 'Tom', gift: 42, quantity: 1 },
  {},
];
const GOOD = 84;
const DUPLICATES = 8;
const DURING_OUTAGE = 10;

function christmasEveOrders(namespace: string): { regular: Batch; outage: Batch } {
  const good = Array.from(
    { length: GOOD + DURING_OUTAGE },
    (_, index) => ({ orderId: `eve-${namespace}-${index}`, child: `Child ${index}`, ...KINDS[index % KINDS.length]! }) as Order,
  );
  const regular = good.slice(0, GOOD);
  const requests = [
    ...regular.map((order) => ({ body: order as unknown as Record<string, unknown>, kind: 'good' })),
    ...BAD.map((body, index) => ({ body: { ...body, ...('orderId' in body ? { orderId: `bad-${namespace}-${index}` } : {}) }, kind: 'bad' })),
    ...regular.slice(0, DUPLICATES).map((order) => ({ body: order as unknown as Record<string, unknown>, kind: 'duplicate' })),
  ];
  // Bad and duplicate requests among the good ones, as an evening brings them.
  requests.sort((a, b) => hash(JSON.stringify(a)) - hash(JSON.stringify(b)));
  return {
    regular: { requests },
    outage: { requests: good.slice(GOOD).map((order) => ({ body: order as unknown as Record<string, unknown>, kind: 'during the outage' })) },
  };
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + char.charCodeAt(0)) | 0;
  return value;
}

/** How long the elves keep looking after the last order was placed and replayed while no request comes. */
const ELVES_IDLE_MS = 20_000;
const REJECTION = 'chipped paint';

/**
 * The learner's own qualityElf (exercise 7) at the bench through the batch, one round after another:
 * every fragile gift is approved, except the first, rejected once and approved when it comes back
 * remade. Stops when every fragile order the API accepted is approved, or when nothing came for a
 * while after the last order was placed, or when told to.
 */
class QualityBench {
  readonly approved = new Set<string>();
  readonly rejections = new Map<string, number>();
  rounds = 0;
  /** What qualityElf threw or returned instead of { approved, rejected }, if it did. */
  problem?: string;
  /** The fragile orders the API accepted, once the batch knows them. */
  private wanted?: string[];
  private stopped = false;
  readonly done: Promise<void>;

  constructor(
    private readonly system: WholeSystem,
    private readonly fragile: Order[],
  ) {
    this.done = this.work();
  }

  get rejectedOnce(): Order {
    return this.fragile[0]!;
  }

  /** The batch is placed and replayed: from here on the bench may finish. */
  expect(accepted: string[]): void {
    this.wanted = accepted;
  }

  stop(): void {
    this.stopped = true;
  }

  unapproved(): string[] {
    return (this.wanted ?? []).filter((orderId) => !this.approved.has(orderId));
  }

  private bench(): Record<string, Inspection> {
    const rejectNow = (order: Order) => order === this.rejectedOnce && !this.rejections.has(order.orderId);
    return Object.fromEntries(
      this.fragile.map((order) => [order.orderId, rejectNow(order) ? { verdict: 'rejected', reason: REJECTION } : { verdict: 'approved' }]),
    );
  }

  private async work(): Promise<void> {
    let lastAnswer = Date.now();
    let expectedSince: number | undefined;
    while (!this.stopped) {
      if (this.wanted) {
        expectedSince ??= Date.now();
        if (this.unapproved().length === 0) return;
        if (Date.now() - Math.max(lastAnswer, expectedSince) > ELVES_IDLE_MS) return;
      }
      const outcome = await this.system.callStep(7, 'qualityElf', this.system.contract(7), this.bench());
      this.rounds += 1;
      const answered = outcome.kind === 'returned' ? (outcome.value as { approved?: unknown; rejected?: unknown } | null) : undefined;
      const ids = (list: unknown) => (Array.isArray(list) && list.every((id) => typeof id === 'string') ? (list as string[]) : undefined);
      const [approved, rejected] = [ids(answered?.approved), ids(answered?.rejected)];
      if (!approved || !rejected) {
        this.problem =
          outcome.kind === 'returned' ? `it returned ${JSON.stringify(outcome.value)}, not { approved, rejected } (lists of orderIds)` : outcome.message;
        return;
      }
      for (const orderId of approved) this.approved.add(orderId);
      for (const orderId of rejected) this.rejections.set(orderId, (this.rejections.get(orderId) ?? 0) + 1);
      if (approved.length + rejected.length > 0) lastAnswer = Date.now();
    }
  }
}

/** What the bench did wrong, if anything: the elf failed, or fragile orders were never approved. */
function benchMiss(system: WholeSystem, bench: QualityBench): Miss | undefined {
  const step = stepOwning(system, 7)!;
  const notPassed = step.passed === false ? `; exercise ${step.exercise.number} has not passed yet (npm run exercise ${step.exercise.number})` : '';
  const look = `${step.file}, qualityElf() and the "Quality check" state of its fulfilment.asl.json, or run \`npm run exercise 8 -- --reference-steps\` to see the batch pass on the reference solutions`;
  if (bench.problem) {
    return new Miss({
      expected: `qualityElf(np, workflow, bench) of exercise 7 (${stepName(step)}) to answer the fragile gifts of the batch and return { approved, rejected }`,
      found: `${bench.problem}${notPassed}`,
      look,
    });
  }
  const unapproved = bench.unapproved();
  if (unapproved.length === 0) return undefined;
  return new Miss({
    expected: `every fragile order the API accepted to wait at the quality check of exercise 7 (${stepName(step)}) and be approved by its qualityElf, "${bench.rejectedOnce.orderId}" after one rejection and a remake`,
    found: `${unapproved.length} never approved: ${unapproved.slice(0, 3).join(', ')}${unapproved.length > 3 ? ', …' : ''} (${bench.rounds} rounds at the bench, ${bench.approved.size} approved, ${[...bench.rejections.values()].reduce((sum, count) => sum + count, 0)} rejected): their requests never reached the quality-check queue, or the answers did not reach the machine${notPassed}`,
    look,
  });
}

/** The learner's earlier steps that have not passed: the first is where to go on, before the batch can tell anything. */
function unfinishedSteps(unfinished: Exercise[]): Miss {
  const [first, ...rest] = [...unfinished].sort((a, b) => a.number - b.number);
  const others = rest.map((exercise) => exercise.number);
  return new Miss({
    expected: `each of your earlier exercises in the whole system (${finalSteps(8)
      .map((exercise) => exercise.number)
      .join(', ')}: the last version of each) to pass before Christmas Eve runs them together`,
    found: `exercise ${first!.number} (${first!.title}) has not passed yet${others.length ? `, nor ${others.length === 1 ? 'has exercise' : 'have exercises'} ${others.join(', ')}` : ''} (npm run progress shows each step)`,
    look: `${path.join('exercises', exerciseDir(first!), first!.file)}: run \`npm run exercise ${first!.number}\` until it passes, then exercise 8 again. \`npm run exercise 8 -- --reference-steps\` runs the batch on the reference solutions meanwhile (that is not a pass of yours)`,
  });
}

/** The step that did not deploy, named, with where to look and what to do. */
function brokenStep(system: WholeSystem, step: DeployedStep): Miss {
  const number = step.exercise.number;
  const own = step.exercise.number === 8;
  return new Miss({
    expected: own
      ? 'your deploy() to deploy in the whole system as it did in tasks 1 to 4'
      : `your exercise ${number} (${step.exercise.title}) to deploy as part of the whole system, from ${step.file}`,
    found: `${step.outcome.kind === 'returned' ? 'it returned' : step.outcome.kind === 'threw' ? `deploy() threw ${step.outcome.message}` : step.outcome.message}${step.passed === false ? `; exercise ${number} has not passed yet` : ''}`,
    look: own
      ? lookAt(5, 'deploy()')
      : `${step.file}: run \`npm run exercise ${number}\` until it passes, or \`npm run exercise 8 -- --reference-steps\` to run the batch on the reference solutions (namespace ${system.namespace})`,
  });
}

function stepOwning(system: WholeSystem, number: number): DeployedStep | undefined {
  return system.steps.find((step) => step.exercise.number === number || standsInFor(step.exercise).includes(number));
}

const stepName = (step: DeployedStep) => `exercise ${step.exercise.number}${step.from === 'yours' ? `, your ${step.file}` : `, the reference ${step.file}`}`;

/** The first sink that holds too few or too many of an order, in the order the steps were deployed. */
function misrouted(tallies: Tally[], accepted: Map<string, AcceptedOrder>, placements: Placement[]): Miss | undefined {
  for (const tally of tallies) {
    const misdelivery = misdeliveryIn(tally, accepted);
    if (misdelivery) {
      const { order } = accepted.get(misdelivery.id)!;
      const kinds = placements.filter((placement) => placement.body.orderId === order.orderId).map((placement) => placement.kind);
      return new Miss({
        expected: `${tally.sink.name} (${stepName(tally.step)}) to hold order ${order.orderId} ${howOften(misdelivery.wanted)}: ${JSON.stringify(order)}, placed ${kinds.join(' and ')}`,
        found: `it held it ${times(misdelivery.got)}${tally.step.passed === false ? `; exercise ${tally.step.exercise.number} has not passed yet (npm run exercise ${tally.step.exercise.number})` : ''}`,
        look: `${tally.step.file}${tally.step.exercise.number === 8 ? '' : `, or run \`npm run exercise 8 -- --reference-steps\` to see the batch pass on the reference solutions`}`,
      });
    }
    const strays = [...countByOrder(tally).keys()].filter((orderId) => !accepted.has(orderId));
    if (strays.length > 0) {
      return new Miss({
        expected: `${tally.sink.name} (${stepName(tally.step)}) to hold only orders the API accepted`,
        found: `orders ${strays.slice(0, 3).join(', ')}, which the API should have turned away or which were never placed`,
        look: tally.step.file,
      });
    }
  }
  return undefined;
}

async function christmasEve(context: GradingContext): Promise<void> {
  const started = performance.now();
  const system = await context.deployWholeSystem();
  if (system.unfinished?.length) throw unfinishedSteps(system.unfinished);
  if (system.broken) throw brokenStep(system, system.broken);
  const bus = system.contract(1);
  const api = system.contract(2);
  const workflow = system.contract(4);
  const eve = system.contract(8);
  const deployedMs = performance.now() - started;
  context.note(
    `Whole system in namespace ${system.namespace}: ${system.steps.map((step) => `${step.exercise.number} (${step.file})`).join(', ')}; deployed in ${seconds(deployedMs)}`,
  );

  const url = restApiInvokeUrl(context.localstack.endpoint, api.restApiId, api.stageName, '/orders');
  const { regular, outage: during } = christmasEveOrders(system.namespace);
  const fragile = [...regular.requests, ...during.requests]
    .filter((request) => request.kind !== 'duplicate' && request.body.fragile === true)
    .map((request) => request.body as unknown as Order);
  const batchStarted = performance.now();
  // The elves work from the first order on: a fragile gift waits for them only TimeoutSeconds.
  const bench = new QualityBench(system, fragile);
  let all: Placement[];
  let outagePlacements: Placement[] = [];
  try {
    const placements = await placeOrders(url, regular.requests);
    const window = await outage(context.aws, { busName: bus.busName, ruleName: workflow.ruleName, archiveName: eve.archiveName }, async () => {
      outagePlacements = await placeOrders(url, during.requests);
      return outagePlacements.filter((placement) => placement.status === 200).length;
    });
    const recovered = await system.call('recover', eve, window);
    if (recovered.kind !== 'returned') {
      throw new Miss({ expected: 'your recover() to replay the outage of the batch, as it did in tasks 3 and 4', found: recovered.message, look: lookAt(5) });
    }
    all = [...placements, ...outagePlacements];
    const acceptedIds = new Set(all.filter((placement) => placement.status === 200).map((placement) => placement.body.orderId));
    bench.expect(fragile.map((order) => order.orderId).filter((orderId) => acceptedIds.has(orderId)));
    await bench.done;
  } finally {
    bench.stop();
    await bench.done;
  }

  // The API first: every good order accepted, every bad one turned away.
  const wrongAnswer = all.find((placement) => (placement.kind === 'bad' ? placement.status !== 400 : placement.status !== 200));
  if (wrongAnswer) {
    const apiStep = stepOwning(system, 2)!;
    throw new Miss({
      expected: `POST /orders to answer ${wrongAnswer.kind === 'bad' ? '400 to a bad order' : '200 to a good one'}: ${JSON.stringify(wrongAnswer.body)}`,
      found: wrongAnswer.error ? `no answer: ${wrongAnswer.error}` : `HTTP ${wrongAnswer.status}`,
      look: `${apiStep.file} (exercise 2)`,
    });
  }

  const elves = benchMiss(system, bench);
  if (elves) throw elves;

  const accepted = new Map<string, AcceptedOrder>();
  for (const placement of all.filter((candidate) => candidate.status === 200)) {
    const order = placement.body as unknown as Order;
    const known = accepted.get(order.orderId);
    if (known) known.events += 1;
    else accepted.set(order.orderId, { order, events: 1, sentAt: placement.sentAt, remakes: bench.rejections.get(order.orderId) ?? 0 });
  }
  const tallies = await drainSinks(context.aws, system.steps, accepted);
  const batchMs = performance.now() - batchStarted;

  const perSink = tallies.map((tally) => `${tally.sink.name} ${tally.arrivals.length}`).join(', ');
  const regularOrders = [...accepted.values()].filter((order) => !during.requests.some((request) => request.body.orderId === order.order.orderId));
  const waits = latencies(tallies, regularOrders);
  context.note(
    `${all.length} requests (${accepted.size} orders, ${all.filter((p) => p.kind === 'duplicate').length} duplicates, ${all.filter((p) => p.kind === 'bad').length} bad, ${outagePlacements.length} during the outage, replayed) in ${seconds(batchMs)}: ${(all.length / (batchMs / 1000)).toFixed(1)} requests/s`,
  );
  context.note(
    `Quality checks by your qualityElf: ${bench.approved.size} fragile orders approved, ${bench.rejectedOnce.orderId} after one rejection and a remake, in ${bench.rounds} rounds`,
  );
  context.note(`Held per queue: ${perSink}`);
  context.note(
    `API to the last queue, per order outside the outage: p50 ${Math.round(percentile(waits, 0.5))} ms, p95 ${Math.round(percentile(waits, 0.95))} ms`,
  );

  const miss = misrouted(tallies, accepted, all);
  if (miss) throw miss;
  const unreadable = tallies.find((tally) => tally.unreadable > 0);
  if (unreadable) {
    throw new Miss({
      expected: `every message in ${unreadable.sink.name} to carry an order (its orderId)`,
      found: `${unreadable.unreadable} messages without one`,
      look: unreadable.step.file,
    });
  }
}

export default defineGrader<8>({
  // A letter for each OrderPlaced that is not a replay: a duplicate order gets two, a replay none.
  sinks: (deployed) => [{ name: 'the letters', queueUrl: deployed.lettersQueueUrl, receives: () => true, delivery: 'every-event', excludesReplays: true }],

  prepare: async (context) => {
    // Only a LocalStack the kit did not start may lack the kit's patches.
    if (context.localstack.mode === 'endpoint') replayProbes.set(context.observers, probeReplay(context));
  },

  tasks: {
    1: async (context) => {
      const broken = await replayProbes.get(context.observers);
      if (broken) throw broken;
      const archive = await archiveOf(context);
      const bus = context.contract(1);
      if (archive.EventSourceArn !== bus.busArn) {
        throw new Miss({
          expected: `the archive to keep the events of the orders bus, ${bus.busArn} (EventSourceArn: ordersBus.busArn)`,
          found: `EventSourceArn ${archive.EventSourceArn}`,
        });
      }
      const pattern = archive.EventPattern;
      if (!pattern) {
        throw new Miss({
          expected: `an EventPattern on the archive that keeps OrderPlaced events from "${ORDERS_SOURCE}" only`,
          found: 'no pattern: the archive keeps every event on the bus, OrderFulfilled and OrderFailed included, and a replay would announce those again',
        });
      }
      const matches = await patternMatches(context.aws, pattern, orderEvent(sample));
      if (matches !== true) {
        throw new Miss({
          expected: `the archive's pattern to match OrderPlaced events from "${ORDERS_SOURCE}"`,
          found: typeof matches === 'string' ? matches : `the pattern ${pattern}, which does not match one (TestEventPattern)`,
        });
      }
      for (const stranger of strangers) {
        if ((await patternMatches(context.aws, pattern, stranger.event)) === true) {
          throw new Miss({
            expected: `the archive's pattern to keep OrderPlaced events from "${ORDERS_SOURCE}" only`,
            found: `the pattern ${pattern}, which also keeps ${stranger.what}`,
          });
        }
      }
    },

    2: async (context) => {
      const url = await lettersQueueUrl(context);
      const arn = queueArn(context.name('letters'));
      const bus = context.contract(1);
      const ruleName = context.name('letters');
      const rule = await ifExists(() => context.aws.eventBridge.send(new DescribeRuleCommand({ Name: ruleName, EventBusName: bus.busName })));
      if (!rule) throw new Miss({ expected: `a rule named ${ruleName} on the bus ${bus.busName}`, found: 'no such rule on the orders bus' });
      // The queue policy as AWS evaluates it for the letters rule's deliveries (LocalStack reads none).
      const { Attributes = {} } = await context.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }));
      const refused = deliveryProblem({
        what: `the letters queue (${context.name('letters')})`,
        policy: Attributes.Policy,
        resource: arn,
        action: 'sqs:SendMessage',
        sender: { service: 'events.amazonaws.com', sourceArn: rule.Arn! },
        busArn: bus.busArn,
      });
      if (refused) throw new Miss(refused);
      const pattern = rule.EventPattern ?? '';
      const matches = await patternMatches(context.aws, pattern, orderEvent(sample));
      if (matches !== true) {
        throw new Miss({
          expected: `the letters rule's pattern to match OrderPlaced events from "${ORDERS_SOURCE}"`,
          found: typeof matches === 'string' ? matches : `the pattern ${pattern}, which does not match one (TestEventPattern)`,
        });
      }
      if ((await patternMatches(context.aws, pattern, replayedEvent(sample))) === true) {
        throw new Miss({
          expected: 'the letters rule to keep replayed events out: "replay-name": [{ "exists": false }] in its pattern, beside source and detail-type',
          found: `the pattern ${pattern}, which matches an OrderPlaced event replayed from the archive (it carries "replay-name"): after an outage, every child in the replayed window would get a second letter`,
        });
      }
      for (const stranger of strangers) {
        if ((await patternMatches(context.aws, pattern, stranger.event)) === true) {
          throw new Miss({
            expected: `the letters rule to match OrderPlaced events from "${ORDERS_SOURCE}" only`,
            found: `the pattern ${pattern}, which also matches ${stranger.what}: a letter for that too`,
          });
        }
      }
      const { Targets = [] } = await context.aws.eventBridge.send(new ListTargetsByRuleCommand({ Rule: ruleName, EventBusName: bus.busName }));
      if (!Targets.some((target) => target.Arn === arn)) {
        throw new Miss({
          expected: `the letters queue (${arn}) as a target of the rule`,
          found: Targets.length ? `targets ${Targets.map((target) => target.Arn).join(', ')}` : 'no targets',
        });
      }
    },

    3: async (context) => {
      const returned = deployedValue(context);
      const archive = await archiveOf(context);
      const ruleArn = await fulfilmentRuleArn(context);
      const bus = context.contract(1);
      const wrong = (
        [
          ['archiveArn', archive.ArchiveArn],
          ['busArn', bus.busArn],
          ['fulfilmentRuleArn', ruleArn],
          ['lettersQueueArn', queueArn(context.name('letters'))],
        ] as const
      ).filter(([field, value]) => returned[field] !== value);
      if (wrong.length > 0) {
        throw new Miss({
          expected: `deploy() to return ${wrong.map(([field, value]) => `${field} ${value}`).join(', ')} (see ChristmasEve in kit/contracts.ts)`,
          found: `it returned ${JSON.stringify(returned)}`,
          look: lookAt(3, 'deploy()'),
        });
      }

      // Before the outage: orders fulfilled as usual.
      const before = [
        drillOrder(context, 'before-toy', { child: 'Holly', gift: 'sledge', list: 'nice', sku: 'TOY-SLEDGE-01' }),
        drillOrder(context, 'before-coal', { child: 'Krampus', gift: 'fireworks', list: 'naughty' }),
      ];
      await putOrders(context, before);
      const finder = new ExecutionFinder(context.aws, context.contract(7).stateMachineArn);
      await finder.waitForOrders(before.map((order) => order.orderId));

      // The outage: the fulfilment rule is off while three more orders arrive.
      const during = [
        drillOrder(context, 'outage-toy', { child: 'Noelle', gift: 'wooden train', list: 'nice', sku: 'TOY-TRAIN-02' }),
        drillOrder(context, 'outage-book', { child: 'Rudi', gift: 'atlas', list: 'nice', sku: 'BOOK-ATLAS-03' }),
        drillOrder(context, 'outage-coal', { child: 'Grinch', gift: 'drum kit', list: 'naughty' }),
      ];
      const window = await outage(
        context.aws,
        { busName: bus.busName, ruleName: context.contract(7).ruleName, archiveName: archive.ArchiveName! },
        async () => {
          await putOrders(context, during);
          return during.length;
        },
      );
      // DescribeReplay answers as on AWS, where a replay is STARTING, then RUNNING for a while.
      const outcome = await context.callLearnerAnsweredAsAws({ replay: { runningMs: REPLAY_RUNNING_MS } }, 'recover', returned, window);
      const recovered = recovery(outcome, lookAt(3));
      drills.set(context.observers, { before, during, window, recovered, answered: outcome.answeredAsAws?.describeReplay });

      const replay = await ifExists(() => context.aws.eventBridge.send(new DescribeReplayCommand({ ReplayName: recovered.replayName })));
      if (!replay)
        throw new Miss({
          expected: `a replay named ${recovered.replayName}, as recover() returned`,
          found: 'no replay with that name (DescribeReplay)',
          look: lookAt(3),
        });
      const problem = aimProblem(replay, { archiveArn: archive.ArchiveArn!, busArn: bus.busArn, ruleArn, window });
      if (problem) throw new Miss({ ...problem, look: lookAt(3) });
    },

    4: async (context) => {
      const drill = drills.get(context.observers);
      if (!drill) throw new Error('The outage drill did not run: task 3 must run before task 4.');
      const replay = await context.aws.eventBridge.send(new DescribeReplayCommand({ ReplayName: drill.recovered.replayName }));
      const answered = drill.answered ?? { calls: 0, states: {} };
      const told =
        answered.calls === 0
          ? 'without asking DescribeReplay once'
          : `after DescribeReplay answered ${Object.entries(answered.states)
              .map(([state, count]) => `${state} ${count}×`)
              .join(', ')}`;
      const waiting =
        'recover() to return once DescribeReplay says COMPLETED, with { replayName, state: "COMPLETED" }: until then the missed orders are not all back on the bus. On AWS a replay is STARTING, then RUNNING for a while (the kit answers DescribeReplay so, as AWS would; LocalStack has finished before the first look)';
      if (drill.recovered.state !== 'COMPLETED' || !answered.states.COMPLETED) {
        throw new Miss({
          expected: waiting,
          found: `it returned state ${JSON.stringify(drill.recovered.state)} ${told}: it did not wait for COMPLETED`,
          look: lookAt(4),
        });
      }
      if ((answered.states.RUNNING ?? 0) > MOST_RUNNING_CALLS) {
        throw new Miss({
          expected:
            'recover() to pause between two DescribeReplay calls (a few hundred milliseconds): a replay takes minutes on AWS, and the API limits how often it may be asked',
          found: `it asked ${answered.states.RUNNING} times in ${REPLAY_RUNNING_MS / 1000} s while the replay was RUNNING: a loop without a pause`,
          look: lookAt(4),
        });
      }
      if (replay.State !== 'COMPLETED') {
        throw new Miss({
          expected: 'the replay to be COMPLETED when recover() says so',
          found: `DescribeReplay says ${replay.State}${replay.StateReason ? `: ${replay.StateReason}` : ''}`,
          look: lookAt(4),
        });
      }

      // Every order fulfilled once: an item each, the workshop's nice orders once each, one letter each.
      const orders = [...drill.before, ...drill.during];
      const workflow = context.contract(7);
      const fulfilled = await pollUntil(10_000, async () => {
        const items = await Promise.all(
          orders.map((order) => context.aws.dynamoDb.send(new GetItemCommand({ TableName: workflow.ordersTableName, Key: { orderId: { S: order.orderId } } }))),
        );
        return items.every((item) => item.Item?.status?.S === 'fulfilled') ? true : undefined;
      });
      const workshop: string[] = [];
      const nice = orders.filter((order) => order.list !== 'naughty').map((order) => order.orderId);
      await receiveUntilAll(
        context.aws,
        workflow.workshopQueueUrl,
        (message) => orderIdIn(message.Body),
        (seen) => nice.every((id) => seen.includes(id)),
        workshop,
      );
      await receiveWaiting(context.aws, workflow.workshopQueueUrl, (message) => orderIdIn(message.Body), workshop);
      const missing = drill.during.find((order) => order.list !== 'naughty' && !workshop.includes(order.orderId));
      if (!fulfilled || missing) {
        const order = missing ?? drill.during[0]!;
        throw new Miss({
          expected: `order ${order.orderId}, placed during the outage (${drill.window.start} to ${drill.window.end}), to be fulfilled once the replay completed`,
          found: missing
            ? 'it never reached the workshop queue: the replay did not bring it back to the fulfilment rule'
            : 'not every order of the drill has its item in the orders table',
          look: lookAt(3),
        });
      }
      const twice = nice.find((id) => workshop.filter((seen) => seen === id).length > 1);
      if (twice)
        throw new Error(`The reference fulfilment machine sent order ${twice} to the workshop twice: its conditional put should have stopped the replay.`);

      const letters: string[] = [];
      const lettersUrl = deployedValue(context).lettersQueueUrl;
      await receiveUntilAll(
        context.aws,
        lettersUrl,
        (message) => orderIdIn(message.Body),
        (seen) => orders.every((order) => seen.includes(order.orderId)),
        letters,
      );
      await receiveWaiting(context.aws, lettersUrl, (message) => orderIdIn(message.Body), letters);
      for (const order of orders) {
        const count = letters.filter((seen) => seen === order.orderId).length;
        if (count !== 1) {
          throw new Miss({
            expected: `one letter for order ${order.orderId}, however often the archive replays it`,
            found: count === 0 ? 'no letter: the letters rule did not send it to the queue' : `${count} letters: the replay reached the letters rule`,
            look: lookAt(2, 'the letters rule'),
          });
        }
      }

      // A replay can fail on AWS: recover() must say so, not wait for ever nor call it done. Its window
      // is an hour before the outage, where the archive holds nothing, so that nothing is replayed twice.
      const earlier = Date.parse(drill.window.start) - 3_600_000;
      const quiet = { start: new Date(earlier).toISOString(), end: new Date(earlier + 1_000).toISOString() };
      const failing = await context.callLearnerAnsweredAsAws({ replay: { runningMs: 300, fails: true } }, 'recover', deployedValue(context), quiet);
      const asked = failing.answeredAsAws?.describeReplay ?? { calls: 0, states: {} };
      const expectedFailure = `recover() to throw an error when DescribeReplay says FAILED (FAILED and CANCELLED are errors), for a replay of ${quiet.start} to ${quiet.end} that the kit reports FAILED, as AWS can`;
      if (failing.kind === 'threw' && asked.calls === 0) {
        throw new Miss({
          expected: expectedFailure,
          found: `it threw ${failing.message} before asking DescribeReplay: a replay's name can be used once only, so make it from the window (window.start)`,
          look: lookAt(3),
        });
      }
      if (failing.kind === 'returned' || failing.kind === 'timeout' || (asked.states.FAILED ?? 0) > 1) {
        throw new Miss({
          expected: expectedFailure,
          found:
            failing.kind === 'returned'
              ? `it returned ${JSON.stringify(failing.value)}`
              : failing.kind === 'timeout'
                ? `it never ended once DescribeReplay said FAILED (${failing.message}): FAILED is final, throw at once`
                : `it asked DescribeReplay ${asked.states.FAILED} times after the first FAILED, then ${failing.message}: FAILED is final, say so at once`,
          look: lookAt(4),
        });
      }
      if (failing.kind !== 'threw') throw new Miss({ expected: expectedFailure, found: failing.message, look: lookAt(4) });
    },

    5: christmasEve,
  },
});
