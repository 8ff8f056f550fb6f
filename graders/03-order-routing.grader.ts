import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import { busArn, queueArn, ruleArn } from '../kit/aws/arns.ts';
import { EventTypes, ORDERS_SOURCE, type Department, type Order, type OrderRouting } from '../kit/contracts.ts';
import { Deadline } from '../kit/grading/checks/deadline.ts';
import { describeVerdict, explainPattern } from '../kit/grading/checks/eventPatterns.ts';
import { sampleEvent } from '../kit/grading/checks/evidence.ts';
import { Miss, defineGrader, deployedValue, type GradingContext, type OrderSink } from '../kit/grading/checks/grader.ts';
import { DELIVERY_DEADLINE_MS, parseEvent, receiveUntilAll, type BusEvent } from '../kit/grading/checks/observe.ts';
import { OrderPath } from '../kit/grading/checks/orderPath.ts';
import { queueUrl } from '../kit/grading/checks/queues.ts';
import { deliveryProblem } from '../kit/grading/checks/resourcePolicies.ts';
import { collectDeliveries, countOf, firstMisdelivery, NEVER, ONCE } from '../kit/grading/checks/routing.ts';
import { checkPattern, learnersRule, learnersRules, ruleTarget, targetsOf, type PatternSample } from '../kit/grading/checks/rules.ts';

type DepartmentKey = keyof OrderRouting | 'library';

/** A sample order and whether a department's rule must match it. */
interface Sample {
  what: string;
  /** Fields over a plain order of one gift; `list` may hold values the Order type does not know yet. */
  order: Record<string, unknown>;
  matches: boolean;
}

interface DepartmentSpec {
  base: string;
  title: string;
  wants: string;
  samples: Sample[];
}

const DEPARTMENTS: Record<DepartmentKey, DepartmentSpec> = {
  toyWorkshop: {
    base: 'toy-workshop',
    title: 'the toy workshop',
    wants: 'toys (sku starting with "TOY-") for children on the nice list',
    samples: [
      { what: 'a toy for a nice child (list "nice", sku "TOY-0042")', order: { list: 'nice', sku: 'TOY-0042' }, matches: true },
      { what: 'another toy for a nice child (list "nice", sku "TOY-9001"): every toy, not one sku', order: { list: 'nice', sku: 'TOY-9001' }, matches: true },
      { what: 'a toy for a naughty child (list "naughty", sku "TOY-0042")', order: { list: 'naughty', sku: 'TOY-0042' }, matches: false },
      { what: 'a book for a nice child (list "nice", sku "BOOK-0003")', order: { list: 'nice', sku: 'BOOK-0003' }, matches: false },
      { what: 'a toy for a child on neither list (no "list" field)', order: { sku: 'TOY-0042' }, matches: false },
      {
        what: 'a toy for a child on a list Santa may start next year (list "very-naughty"): only "nice" gets toys',
        order: { list: 'very-naughty', sku: 'TOY-0042' },
        matches: false,
      },
      {
        what: 'a toy box for a nice child (list "nice", sku "TOYBOX-3": it starts with "TOY", not with "TOY-")',
        order: { list: 'nice', sku: 'TOYBOX-3' },
        matches: false,
      },
      {
        what: 'a sweet shaped like a toy (list "nice", sku "SWEET-TOY-7": "TOY-" inside, not at the start)',
        order: { list: 'nice', sku: 'SWEET-TOY-7' },
        matches: false,
      },
    ],
  },
  coalDepot: {
    base: 'coal-depot',
    title: 'the coal depot',
    wants: 'every order of a child whose list is anything but "nice"',
    samples: [
      { what: 'an order of a naughty child (list "naughty")', order: { list: 'naughty', sku: 'TOY-0007' }, matches: true },
      { what: 'an order whose list is "very-naughty" (a list Santa may start next year)', order: { list: 'very-naughty', sku: 'TOY-0007' }, matches: true },
      {
        what: 'an order whose list is "grumpy" (another list Santa may start, nothing like "naughty")',
        order: { list: 'grumpy', sku: 'TOY-0007' },
        matches: true,
      },
      { what: 'an order of a nice child (list "nice")', order: { list: 'nice', sku: 'TOY-0007' }, matches: false },
      { what: 'an order of a child on neither list (no "list" field)', order: { sku: 'TOY-0007' }, matches: false },
    ],
  },
  heavyLift: {
    base: 'heavy-lift',
    title: 'the heavy-lift team',
    wants: 'gifts heavier than 20 kg (weightKg above 20; exactly 20 is not heavy)',
    samples: [
      { what: 'a 35 kg gift (weightKg 35)', order: { weightKg: 35 }, matches: true },
      { what: 'a 20.5 kg gift (weightKg 20.5)', order: { weightKg: 20.5 }, matches: true },
      { what: 'a 1500 kg gift (weightKg 1500): heavier is never too heavy', order: { weightKg: 1500 }, matches: true },
      { what: 'a gift of exactly 20 kg (weightKg 20)', order: { weightKg: 20 }, matches: false },
      { what: 'a 3 kg gift (weightKg 3)', order: { weightKg: 3 }, matches: false },
      { what: 'an order with no weight (no "weightKg" field)', order: {}, matches: false },
    ],
  },
  giftWrap: {
    base: 'gift-wrap',
    title: 'gift wrap',
    wants: 'every order with gift-wrap paper, whatever the paper (giftWrap.paper)',
    samples: [
      { what: 'an order to be wrapped (giftWrap { "paper": "candy-stripe" })', order: { giftWrap: { paper: 'candy-stripe' } }, matches: true },
      {
        what: 'an order to be wrapped in another paper (giftWrap { "paper": "snowflakes" }): every paper, not one',
        order: { giftWrap: { paper: 'snowflakes' } },
        matches: true,
      },
      { what: 'an order not to be wrapped (no "giftWrap" field)', order: {}, matches: false },
      { what: 'an order with a ribbon and no paper (giftWrap { "ribbon": "red" })', order: { giftWrap: { ribbon: 'red' } }, matches: false },
    ],
  },
  expressDesk: {
    base: 'express-desk',
    title: 'the express desk',
    wants: 'every order that is express, or for 10 or more gifts',
    samples: [
      { what: 'an express order of 1 gift (express true, quantity 1)', order: { express: true, quantity: 1 }, matches: true },
      { what: 'an order of exactly 10 gifts, not express (express false, quantity 10)', order: { express: false, quantity: 10 }, matches: true },
      { what: 'an order of 12 gifts (no "express" field, quantity 12)', order: { quantity: 12 }, matches: true },
      { what: 'an order of 500 gifts (no "express" field, quantity 500): more is never too many', order: { quantity: 500 }, matches: true },
      { what: 'an express order of 40 gifts (express true, quantity 40): both, once', order: { express: true, quantity: 40 }, matches: true },
      { what: 'an order of 9 gifts, not express (express false, quantity 9)', order: { express: false, quantity: 9 }, matches: false },
      { what: 'an order of 1 gift (no "express" field, quantity 1)', order: { quantity: 1 }, matches: false },
    ],
  },
  library: {
    base: 'library',
    title: 'the library elves',
    wants: 'every book (sku starting with "BOOK-")',
    samples: [
      { what: 'a book (sku "BOOK-0020")', order: { sku: 'BOOK-0020' }, matches: true },
      { what: 'a book for a naughty child (list "naughty", sku "BOOK-0021")', order: { list: 'naughty', sku: 'BOOK-0021' }, matches: true },
      { what: 'a toy (sku "TOY-0042")', order: { sku: 'TOY-0042' }, matches: false },
      { what: 'a pop-up toy (sku "TOY-BOOK-1": "BOOK-" inside, not at the start)', order: { sku: 'TOY-BOOK-1' }, matches: false },
      { what: 'a pair of bookends (sku "BOOKEND-2": it starts with "BOOK", not with "BOOK-")', order: { sku: 'BOOKEND-2' }, matches: false },
    ],
  },
};

const FIRST_FIVE: (keyof OrderRouting)[] = ['toyWorkshop', 'coalDepot', 'heavyLift', 'giftWrap', 'expressDesk'];

const orderOfSample = (sample: Sample): Order => ({ orderId: 'sample', child: 'Ada', gift: 'a gift', quantity: 1, ...sample.order }) as Order;

const departmentQueueUrl = (context: GradingContext, key: DepartmentKey) =>
  queueUrl(context, DEPARTMENTS[key].base, undefined, `a queue for ${DEPARTMENTS[key].title}`);

async function checkQueue(context: GradingContext, key: DepartmentKey): Promise<void> {
  const url = await departmentQueueUrl(context, key);
  const { base, title } = DEPARTMENTS[key];
  const { Attributes = {} } = await context.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }));
  // AWS reads the policy for every delivery, with the department's own rule as aws:SourceArn; LocalStack never does.
  const bus = context.contract(1).busName;
  const problem = deliveryProblem({
    what: `the queue of ${title} (${context.name(base)})`,
    policy: Attributes.Policy,
    resource: queueArn(context.name(base)),
    action: 'sqs:SendMessage',
    sender: { service: 'events.amazonaws.com', sourceArn: ruleArn(bus, context.name(base)) },
    busArn: busArn(bus),
  });
  if (problem) throw new Miss(problem);
}

/** Every sample a department's rule must match or not, with events from other producers and of other types. */
function samplesFor(spec: DepartmentSpec): PatternSample[] {
  const own = spec.samples.map((sample) => ({
    what: sample.what,
    event: sampleEvent(ORDERS_SOURCE, EventTypes.OrderPlaced, orderOfSample(sample)),
    matches: sample.matches,
  }));
  const wanted = orderOfSample(spec.samples.find((sample) => sample.matches)!);
  return [
    ...own,
    {
      what: `the same order as ${EventTypes.OrderFulfilled} (detail-type "${EventTypes.OrderFulfilled}"): the order is done, not placed`,
      event: sampleEvent(ORDERS_SOURCE, EventTypes.OrderFulfilled, wanted),
      matches: false,
      envelope: 'detail-type',
    },
    {
      what: `the same order from another producer (source "northpole.toyshop")`,
      event: sampleEvent('northpole.toyshop', EventTypes.OrderPlaced, wanted),
      matches: false,
      envelope: 'source',
    },
  ];
}

/** The department's rule: there, enabled, its pattern right on every sample, and the department's queue its target. */
async function checkDepartmentRule(context: GradingContext, key: DepartmentKey): Promise<void> {
  const spec = DEPARTMENTS[key];
  const ruleName = context.name(spec.base);
  const rule = await learnersRule(context, ruleName, context.contract(1).busName, `a rule for ${spec.title}`);
  await checkPattern(context, {
    ruleName,
    pattern: rule.EventPattern ?? '',
    samples: samplesFor(spec),
    expected: `the rule of ${spec.title} to match ${spec.wants}, from source "${ORDERS_SOURCE}" with detail-type "${EventTypes.OrderPlaced}" only`,
  });
  await ruleTarget(context, {
    ruleName,
    busName: context.contract(1).busName,
    arn: queueArn(context.name(spec.base)),
    what: `the queue of ${spec.title}`,
    nowhere: 'the rule matches orders and sends them nowhere',
  });
}

/** What one message in a department's queue says about the order it carries. */
interface Delivery {
  orderId: string;
  /** The whole event arrived, not only the order. */
  envelope: boolean;
}

function departmentDelivery(message: Message): Delivery | undefined {
  try {
    const body = JSON.parse(message.Body ?? '') as { orderId?: unknown; detail?: { orderId?: unknown } };
    const envelope = typeof body === 'object' && body !== null && 'detail-type' in body;
    const orderId = envelope ? body.detail?.orderId : body?.orderId;
    return typeof orderId === 'string' ? { orderId, envelope } : undefined;
  } catch {
    return undefined;
  }
}

/** One order of a traffic batch and the departments that must receive it, and no others. */
interface Shipment {
  order: Order;
  to: DepartmentKey[];
}

interface Arrivals {
  /** Orders in each department's queue, by department. */
  byDepartment: Map<DepartmentKey, Delivery[]>;
  /** How long each department's queue was waited for. */
  waits: Map<DepartmentKey, Deadline>;
  elfLogWait: Deadline;
  /** The events the elf log of exercise 1 received: it sees every order, so it shows which reached the bus. */
  onBus: BusEvent[];
}

/**
 * Puts the batch on the orders bus as OrderPlaced events, as the producer does, and collects what each
 * queue receives. Every order goes to all the rules it matches at once, so once every expected
 * delivery has arrived (or the deadline passed), one more receive without waiting shows whether
 * anything arrived that should not have: no fixed sleep.
 */
async function sendDepartmentBatch(context: GradingContext, departments: Map<DepartmentKey, string>, batch: Shipment[]): Promise<Arrivals> {
  const bus = context.contract(1);
  const { FailedEntryCount, Entries = [] } = await context.aws.eventBridge.send(
    new PutEventsCommand({
      Entries: batch.map(({ order }) => ({
        EventBusName: bus.busName,
        Source: ORDERS_SOURCE,
        DetailType: EventTypes.OrderPlaced,
        Detail: JSON.stringify(order),
      })),
    }),
  );
  if (FailedEntryCount) throw new Error(`The grader could not put its orders on the bus: ${Entries.find((entry) => entry.ErrorMessage)?.ErrorMessage}`);

  const ids = new Set(batch.map(({ order }) => order.orderId));
  const onBus: BusEvent[] = [];
  const waits = new Map<DepartmentKey, Deadline>();
  const elfLogWait = new Deadline(DELIVERY_DEADLINE_MS);
  const [byDepartment] = await Promise.all([
    collectDeliveries(
      context.aws,
      departments,
      departmentDelivery,
      (item) => item.orderId,
      (key) => batch.filter(({ to }) => to.includes(key)).map(({ order }) => order.orderId),
      ids,
      waits,
    ),
    receiveUntilAll(
      context.aws,
      bus.elfLogQueueUrl,
      parseEvent,
      (seen) => [...ids].every((id) => seen.some((event) => event.detail?.orderId === id)),
      onBus,
      elfLogWait,
    ),
  ]);
  return { byDepartment, waits, elfLogWait, onBus: onBus.filter((event) => ids.has(event.detail?.orderId as string)) };
}

const describeOrder = (order: Order) => JSON.stringify(order);

/** The first order that went where it should not, or did not arrive where it should, as a Miss. */
async function checkDepartmentArrivals(context: GradingContext, batch: Shipment[], arrivals: Arrivals): Promise<void> {
  const bus = context.contract(1);
  const misdelivery = firstMisdelivery({
    ids: batch.map(({ order }) => order.orderId),
    queues: arrivals.byDepartment.keys(),
    wanted: (id, key) => (batch.find(({ order }) => order.orderId === id)!.to.includes(key) ? ONCE : NEVER),
    count: (id, key) => countOf(arrivals.byDepartment.get(key), (item) => item.orderId, id),
  });
  if (!misdelivery) return;
  const { id, queue: key, got, wanted } = misdelivery;
  const order = batch.find((shipment) => shipment.order.orderId === id)!.order;
  const spec = DEPARTMENTS[key];
  const ruleName = context.name(spec.base);
  const event = arrivals.onBus.find((candidate) => candidate.detail?.orderId === order.orderId);
  if (got > wanted.max && wanted.max === 0) {
    const rule = (await learnersRules(context, context.contract(1).busName)).find((candidate) => candidate.Name === ruleName);
    const matched = rule?.EventPattern && event ? describeVerdict(await explainPattern(context.aws, rule.EventPattern, JSON.stringify(event))) : undefined;
    throw new Miss({
      expected: `${describeOrder(order)} not to reach ${spec.title}, which takes ${spec.wants}`,
      found: `it arrived in ${context.name(spec.base)}${matched ? `: the pattern of ${ruleName} matches it (${matched})` : ''}${rule ? '' : `, though no rule named ${ruleName} sends there: which rule targets that queue?`}`,
    });
  }
  if (got > wanted.max) {
    throw new Miss({
      expected: `${describeOrder(order)} to reach ${spec.title} once`,
      found: `it arrived ${got} times in ${context.name(spec.base)}: does more than one rule, or one rule with two targets, send there?`,
    });
  }
  const path = new OrderPath(order.orderId);
  path.reached(`PutEvents put ${order.orderId} on the bus ${bus.busName}`);
  if (event) {
    path.reached(`${EventTypes.OrderPlaced} on the bus ${bus.busName}`, `the elf log of exercise 1 received it`);
    await path.rules(context.aws, bus.busName, event, { ownPrefix: context.name(''), expected: [ruleName] });
  } else {
    path.missed(`the event on the bus ${bus.busName}`, `the elf log of exercise 1 did not receive it ${arrivals.elfLogWait.within()} either`);
  }
  const waited = arrivals.waits.get(key)?.within() ?? `within ${DELIVERY_DEADLINE_MS / 1000} s`;
  path.missed(`the order in ${context.name(spec.base)}`, `not there ${waited}`);
  throw new Miss({
    expected: `${describeOrder(order)} to reach ${spec.title}, which takes ${spec.wants}`,
    found: `it did not arrive in ${context.name(spec.base)} ${waited}; the targets of ${ruleName} are ${JSON.stringify(await targetsOf(context, ruleName, bus.busName).catch(() => []))}: check each target's Arn and InputPath ("$.detail" is the order)`,
    path,
  });
}

const order = (context: GradingContext, id: string, fields: Omit<Order, 'orderId'>): Order => ({ orderId: `${id}-${context.namespace}`, ...fields });

/** Orders for every department of tasks 2 to 4, some for several, one for none; each sent once. */
function firstBatch(context: GradingContext): Shipment[] {
  return [
    { order: order(context, 'train', { child: 'Ada', gift: 'wooden train', quantity: 1, list: 'nice', sku: 'TOY-0042', weightKg: 2 }), to: ['toyWorkshop'] },
    { order: order(context, 'drum', { child: 'Bram', gift: 'drum', quantity: 1, list: 'naughty', sku: 'TOY-0007' }), to: ['coalDepot'] },
    {
      order: order(context, 'rocking-horse', {
        child: 'Cleo',
        gift: 'rocking horse',
        quantity: 1,
        list: 'nice',
        sku: 'TOY-0100',
        weightKg: 20,
        giftWrap: { paper: 'candy-stripe' },
      }),
      to: ['toyWorkshop', 'giftWrap'],
    },
    {
      order: order(context, 'atlas', { child: 'Dev', gift: 'giant atlas', quantity: 1, sku: 'BOOK-0003', weightKg: 21, express: true }),
      to: ['heavyLift', 'expressDesk'],
    },
    {
      order: order(context, 'candy-canes', {
        child: 'Elif',
        gift: 'candy canes',
        quantity: 12,
        list: 'naughty',
        sku: 'SWEET-0001',
        giftWrap: { paper: 'snowflakes' },
      }),
      to: ['coalDepot', 'giftWrap', 'expressDesk'],
    },
    {
      order: order(context, 'storybook', { child: 'Finn', gift: 'storybook', quantity: 9, list: 'nice', sku: 'BOOK-0010', weightKg: 1, express: false }),
      to: [],
    },
  ];
}

/** After the library opens: books reach it, and the others still receive theirs. */
function secondBatch(context: GradingContext): Shipment[] {
  return [
    {
      order: order(context, 'fairy-tales', { child: 'Hana', gift: 'fairy tales', quantity: 1, list: 'nice', sku: 'BOOK-0020', giftWrap: { paper: 'gold' } }),
      to: ['library', 'giftWrap'],
    },
    { order: order(context, 'dictionary', { child: 'Ivo', gift: 'dictionary', quantity: 1, list: 'naughty', sku: 'BOOK-0021' }), to: ['library', 'coalDepot'] },
    { order: order(context, 'pop-up-book', { child: 'Jun', gift: 'pop-up book toy', quantity: 1, list: 'nice', sku: 'TOY-BOOK-1' }), to: ['toyWorkshop'] },
  ];
}

/** A department's rule as it stands: what must not change when another department is added. */
interface RuleSnapshot {
  pattern: string | undefined;
  state: string | undefined;
  targets: string;
}

// Taken in task 5, after the first traffic, and compared in task 6 after addDepartment().
// Runs of this grader may overlap, so each run's snapshot is kept under that run's own context.
const snapshots = new WeakMap<GradingContext['observers'], Map<string, RuleSnapshot>>();

async function snapshotRules(context: GradingContext): Promise<Map<string, RuleSnapshot>> {
  const rules = await learnersRules(context, context.contract(1).busName);
  const entries = await Promise.all(
    rules.map(async (rule): Promise<[string, RuleSnapshot]> => [
      rule.Name!,
      {
        pattern: rule.EventPattern,
        state: rule.State,
        targets: JSON.stringify(
          (await targetsOf(context, rule.Name!, context.contract(1).busName)).map(({ Id, Arn, InputPath, Input, InputTransformer }) => ({
            Id,
            Arn,
            InputPath,
            Input,
            InputTransformer,
          })),
        ),
      },
    ]),
  );
  return new Map(entries);
}

function departmentsOf(routing: OrderRouting): Map<DepartmentKey, string> {
  return new Map(FIRST_FIVE.map((key) => [key, routing[key].queueUrl]));
}

function checkReturnedDepartment(context: GradingContext, key: DepartmentKey, department: Department | undefined, url: string, where: string): void {
  const base = DEPARTMENTS[key].base;
  const wanted: Department = { ruleName: context.name(base), queueUrl: url, queueArn: queueArn(context.name(base)) };
  if (department?.ruleName !== wanted.ruleName || department.queueArn !== wanted.queueArn || department.queueUrl !== wanted.queueUrl) {
    throw new Miss({ expected: `${where} to be ${JSON.stringify(wanted)}`, found: department === undefined ? 'it is missing' : JSON.stringify(department) });
  }
}

export default defineGrader<3>({
  // Each department's rule in words: the batch of the last step counts what each queue holds.
  sinks: (routing) => {
    const department = (name: string, key: keyof OrderRouting, receives: (order: Order) => boolean): OrderSink => ({
      name,
      queueUrl: routing[key].queueUrl,
      receives,
      delivery: 'every-event',
    });
    return [
      department('the toy workshop', 'toyWorkshop', (order) => order.list === 'nice' && !!order.sku?.startsWith('TOY-')),
      department('the coal depot', 'coalDepot', (order) => order.list !== undefined && order.list !== 'nice'),
      department('the heavy-lift team', 'heavyLift', (order) => (order.weightKg ?? 0) > 20),
      department('gift wrap', 'giftWrap', (order) => order.giftWrap?.paper !== undefined),
      department('the express desk', 'expressDesk', (order) => order.express === true || order.quantity >= 10),
    ];
  },

  tasks: {
    1: async (context) => {
      for (const key of FIRST_FIVE) await checkQueue(context, key);
    },

    2: (context) => checkDepartmentRule(context, 'toyWorkshop'),

    3: async (context) => {
      await checkDepartmentRule(context, 'coalDepot');
      await checkDepartmentRule(context, 'heavyLift');
    },

    4: async (context) => {
      await checkDepartmentRule(context, 'giftWrap');
      await checkDepartmentRule(context, 'expressDesk');
    },

    5: async (context) => {
      const routing = deployedValue(context);
      const urls = await Promise.all(FIRST_FIVE.map((key) => departmentQueueUrl(context, key)));
      FIRST_FIVE.forEach((key, index) => checkReturnedDepartment(context, key, routing[key], urls[index], `deploy()'s ${key}`));
      const batch = firstBatch(context);
      const arrivals = await sendDepartmentBatch(context, departmentsOf(routing), batch);
      for (const key of FIRST_FIVE) {
        const envelope = arrivals.byDepartment.get(key)!.find((item) => item.envelope);
        if (envelope) {
          throw new Miss({
            expected: `${DEPARTMENTS[key].title} to receive the order itself ({"orderId": …, "child": …}), the detail of the event (InputPath "$.detail" on the target)`,
            found: `the whole event around order ${envelope.orderId} ({"version": …, "detail-type": …, "detail": {…}}) in ${context.name(DEPARTMENTS[key].base)}`,
          });
        }
      }
      await checkDepartmentArrivals(context, batch, arrivals);
      snapshots.set(context.observers, await snapshotRules(context));
    },

    6: async (context) => {
      const before = snapshots.get(context.observers);
      if (!before) throw new Error('Task 6 was checked before task 5 took its snapshot of the rules.');
      const added = await context.callLearner('addDepartment', context.contract(1));
      if (added.kind !== 'returned') {
        throw new Miss({ expected: 'addDepartment(np, ordersBus) to add the library and return it', found: `addDepartment() failed: ${added.message}` });
      }
      const libraryRule = context.name(DEPARTMENTS.library.base);
      if (before.has(libraryRule)) {
        throw new Miss({
          expected: 'deploy() to leave the library out, and addDepartment() to add it later: a new consumer joins a running system',
          found: `the rule ${libraryRule} was already on the bus after deploy()`,
        });
      }
      const after = await snapshotRules(context);
      for (const [name, was] of before) {
        const now = after.get(name);
        const changes = !now
          ? ['it is gone']
          : [
              now.pattern !== was.pattern && `its pattern was ${was.pattern} and is now ${now.pattern}`,
              now.state !== was.state && `it was ${was.state} and is now ${now.state}`,
              now.targets !== was.targets && `its targets were ${was.targets} and are now ${now.targets}`,
            ].filter(Boolean);
        if (changes.length > 0) {
          throw new Miss({
            expected:
              'addDepartment() to add the library without touching any rule that was there before: the producer and the other departments never hear of it',
            found: `the rule ${name} changed: ${changes.join('; ')}`,
          });
        }
      }
      await checkQueue(context, 'library');
      await checkDepartmentRule(context, 'library');
      const libraryUrl = await departmentQueueUrl(context, 'library');
      checkReturnedDepartment(context, 'library', added.value as Department | undefined, libraryUrl, 'what addDepartment() returned');

      const routing = deployedValue(context);
      const departments = departmentsOf(routing).set('library', libraryUrl);
      const batch = secondBatch(context);
      await checkDepartmentArrivals(context, batch, await sendDepartmentBatch(context, departments, batch));
    },
  },
});
