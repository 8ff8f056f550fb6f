import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetTopicAttributesCommand, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import { busArn, queueArn, ruleArn, topicArn } from '../kit/aws/arns.ts';
import {
  EventTypes,
  FULFILMENT_SOURCE,
  ORDERS_SOURCE,
  type DelayNotice,
  type DispatchQueue,
  type FulfilledOrder,
  type SleighDispatch,
} from '../kit/contracts.ts';
import { Deadline } from '../kit/grading/checks/deadline.ts';
import { ifExists, policyAllows, sampleEvent } from '../kit/grading/checks/evidence.ts';
import {
  describeSubscription,
  queueSubscription,
  scopeAdvice,
  filterVerdicts,
  type FilterSample,
  type FilterScope,
} from '../kit/grading/checks/filterPolicies.ts';
import { Miss, defineGrader, deployedValue, type GradingContext } from '../kit/grading/checks/grader.ts';
import { DELIVERY_DEADLINE_MS, receiveUntil, type BusEvent } from '../kit/grading/checks/observe.ts';
import { OrderPath } from '../kit/grading/checks/orderPath.ts';
import { queueUrl } from '../kit/grading/checks/queues.ts';
import { deliveryProblem } from '../kit/grading/checks/resourcePolicies.ts';
import { collectDeliveries, countOf, firstMisdelivery, NEVER, ONCE } from '../kit/grading/checks/routing.ts';
import { checkPattern, enabledRule, ruleTarget } from '../kit/grading/checks/rules.ts';

type QueueKey = keyof SleighDispatch['queues'];

/** What a queue's subscription must look like, and the samples its filter policy must let through or keep out. */
interface QueueSpec {
  base: string;
  title: string;
  wants: string;
  /** undefined: no filter policy at all, the queue takes everything. */
  scope?: FilterScope;
  /** true: the bare message; false: SNS's envelope around it. */
  raw: boolean;
  samples: FilterSample[];
}

const topicArnOf = (context: Pick<GradingContext, 'name'>) => topicArn(context.name('sleigh-dispatch'));

/** An OrderFulfilled event as EventBridge hands it to the topic; each sample gets its own id, so each message body differs. */
function fulfilledEvent(id: string, fields: Partial<FulfilledOrder>): string {
  const order: FulfilledOrder = { orderId: id, child: 'Ada', gift: 'a gift', quantity: 1, outcome: 'shipped', fulfilledAt: '2026-12-24T22:00:00Z', ...fields };
  return JSON.stringify({ ...(JSON.parse(sampleEvent(FULFILMENT_SOURCE, EventTypes.OrderFulfilled, order)) as object), id: `sample-${id}` });
}

/** The message attributes of a delay notice, as announceDelay() must set them. */
function noticeAttributes(notice: Partial<DelayNotice>): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  if (notice.region) attributes.region = { DataType: 'String', StringValue: notice.region };
  if (notice.minutes !== undefined) attributes.minutes = { DataType: 'Number', StringValue: String(notice.minutes) };
  return attributes;
}

const noticeSample = (what: string, text: string, notice: Partial<DelayNotice>, passes: boolean): FilterSample => ({
  what,
  message: text,
  attributes: noticeAttributes(notice),
  passes,
});

const A_NOTICE = noticeSample(
  'a delay notice for europe (plain text, with message attributes region "europe" and minutes 45)',
  'Fog over the Alps: 45 minutes late',
  { region: 'europe', minutes: 45 },
  false,
);

function regionalSleigh(region: 'europe' | 'north-america', other: 'europe' | 'north-america', title: string): QueueSpec {
  return {
    base: `sleigh-${region}`,
    title,
    wants: `fulfilled orders whose region is "${region}", as the bare event`,
    scope: 'MessageBody',
    raw: true,
    samples: [
      { what: `an OrderFulfilled event for region "${region}" (detail.region)`, message: fulfilledEvent(`${region}-1`, { region }), passes: true },
      {
        what: `a heavy OrderFulfilled event for region "${region}" (detail.region, weightKg 40)`,
        message: fulfilledEvent(`${region}-2`, { region, weightKg: 40 }),
        passes: true,
      },
      { what: `an OrderFulfilled event for region "${other}"`, message: fulfilledEvent(`${region}-3`, { region: other }), passes: false },
      { what: 'an OrderFulfilled event with no region', message: fulfilledEvent(`${region}-4`, {}), passes: false },
      { what: 'an OrderFulfilled event for a third region, "asia"', message: fulfilledEvent(`${region}-5`, { region: 'asia' }), passes: false },
      {
        what: `a coal OrderFulfilled for region "${region}" (outcome "coal"): coal needs a sleigh too`,
        message: fulfilledEvent(`${region}-6`, { region, outcome: 'coal' }),
        passes: true,
      },
      A_NOTICE,
    ],
  };
}

const QUEUES: Record<QueueKey, QueueSpec> = {
  europeSleigh: regionalSleigh('europe', 'north-america', 'the European sleigh'),
  northAmericaSleigh: regionalSleigh('north-america', 'europe', 'the North American sleigh'),
  heavyLiftSleigh: {
    base: 'heavy-lift-sleigh',
    title: 'the heavy-lift sleigh',
    wants: 'fulfilled orders heavier than 20 kg (weightKg above 20; exactly 20 is not heavy), as the bare event',
    scope: 'MessageBody',
    raw: true,
    samples: [
      { what: 'an OrderFulfilled event of 35 kg (detail.weightKg 35)', message: fulfilledEvent('heavy-1', { weightKg: 35, region: 'asia' }), passes: true },
      { what: 'an OrderFulfilled event of 20.5 kg', message: fulfilledEvent('heavy-2', { weightKg: 20.5 }), passes: true },
      {
        what: 'an OrderFulfilled event of 1500 kg: heavier is never too heavy',
        message: fulfilledEvent('heavy-6', { weightKg: 1500, region: 'europe' }),
        passes: true,
      },
      { what: 'an OrderFulfilled event of exactly 20 kg', message: fulfilledEvent('heavy-3', { weightKg: 20 }), passes: false },
      { what: 'an OrderFulfilled event of 3 kg', message: fulfilledEvent('heavy-4', { weightKg: 3 }), passes: false },
      { what: 'an OrderFulfilled event with no weight', message: fulfilledEvent('heavy-5', {}), passes: false },
    ],
  },
  reindeerStables: {
    base: 'reindeer-stables',
    title: 'the reindeer stables',
    wants: 'delay notices of 30 minutes or more (the message attribute minutes), as the bare text',
    scope: 'MessageAttributes',
    raw: true,
    samples: [
      noticeSample(
        'a delay notice of 45 minutes (message attributes region "europe", minutes 45)',
        'Fog over the Alps: 45 minutes late',
        { region: 'europe', minutes: 45 },
        true,
      ),
      noticeSample('a delay notice of exactly 30 minutes (minutes 30)', 'Headwind over the Pacific: 30 minutes late', { region: 'oceania', minutes: 30 }, true),
      noticeSample(
        'a delay notice of 240 minutes (minutes 240): a longer delay is never too long',
        'Sleigh runner cracked over Greenland: 240 minutes late',
        { region: 'europe', minutes: 240 },
        true,
      ),
      noticeSample('a delay notice of 29 minutes (minutes 29)', 'Low clouds over the Andes: 29 minutes late', { region: 'south-america', minutes: 29 }, false),
      noticeSample('a delay notice of 10 minutes (minutes 10)', 'Icy runway: 10 minutes late', { region: 'asia', minutes: 10 }, false),
      noticeSample('a message with no minutes attribute', 'Carrots delivered to the stables', { region: 'europe' }, false),
      {
        what: 'an OrderFulfilled event of 45 kg (no message attributes)',
        message: fulfilledEvent('stables-1', { weightKg: 45, region: 'europe' }),
        passes: false,
      },
    ],
  },
  audit: { base: 'dispatch-audit', title: 'the audit', wants: "every message, in SNS's envelope", raw: false, samples: [] },
};

const dispatchQueueUrl = (context: GradingContext, key: QueueKey) => queueUrl(context, QUEUES[key].base, undefined, `a queue for ${QUEUES[key].title}`);

async function checkTopic(context: GradingContext): Promise<void> {
  const topicArn = topicArnOf(context);
  const topic = await ifExists(() => context.aws.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn })));
  if (!topic)
    throw new Miss({ expected: `an SNS topic named ${context.name('sleigh-dispatch')} (np.name('sleigh-dispatch'))`, found: 'no topic with that name' });
  const policy = topic.Attributes?.Policy;
  // AWS reads the policy for every event the rule publishes, with the rule as aws:SourceArn; LocalStack never does.
  const bus = context.contract(1).busName;
  const problem = deliveryProblem({
    what: `the topic ${context.name('sleigh-dispatch')}`,
    policy,
    resource: topicArn,
    action: 'sns:Publish',
    sender: { service: 'events.amazonaws.com', sourceArn: ruleArn(bus, context.name('sleigh-dispatch')) },
    busArn: busArn(bus),
  });
  if (problem && policy?.includes('__default_policy_ID') && !policy.includes('events.amazonaws.com')) {
    throw new Miss({
      expected: `the topic's policy to allow the service events.amazonaws.com to sns:Publish to ${topicArn} (LocalStack delivers without it; AWS drops every event)`,
      found: `the policy ${policy}: SNS's default policy, which only lets this account's own users publish`,
    });
  }
  if (problem) throw new Miss(problem);
}

/** Events the rule must send to the topic, and events it must not. */
function ruleSamples(): { what: string; event: string; matches: boolean }[] {
  const order: FulfilledOrder = {
    orderId: 'sample',
    child: 'Ada',
    gift: 'a gift',
    quantity: 1,
    region: 'europe',
    outcome: 'shipped',
    fulfilledAt: '2026-12-24T22:00:00Z',
  };
  return [
    {
      what: `an ${EventTypes.OrderFulfilled} from the fulfilment workflow (source "${FULFILMENT_SOURCE}")`,
      event: sampleEvent(FULFILMENT_SOURCE, EventTypes.OrderFulfilled, order),
      matches: true,
    },
    {
      what: `a coal ${EventTypes.OrderFulfilled} (outcome "coal"): coal needs a sleigh too`,
      event: sampleEvent(FULFILMENT_SOURCE, EventTypes.OrderFulfilled, { ...order, outcome: 'coal' }),
      matches: true,
    },
    {
      what: `an ${EventTypes.OrderPlaced} from the orders producer: placed, not yet made`,
      event: sampleEvent(ORDERS_SOURCE, EventTypes.OrderPlaced, order),
      matches: false,
    },
    {
      what: `an ${EventTypes.OrderFailed} from the fulfilment workflow`,
      event: sampleEvent(FULFILMENT_SOURCE, EventTypes.OrderFailed, { order, error: { Error: 'States.TaskFailed' } }),
      matches: false,
    },
    {
      what: `an ${EventTypes.OrderFulfilled} from another producer (source "northpole.toyshop")`,
      event: sampleEvent('northpole.toyshop', EventTypes.OrderFulfilled, order),
      matches: false,
    },
  ];
}

async function checkDispatchRule(context: GradingContext): Promise<void> {
  const ruleName = context.name('sleigh-dispatch');
  const bus = context.contract(1).busName;
  const rule = await enabledRule(context, ruleName, bus);
  await checkPattern(context, {
    ruleName,
    pattern: rule.EventPattern ?? '',
    samples: ruleSamples(),
    expected: `the rule ${ruleName} to match every ${EventTypes.OrderFulfilled} from "${FULFILMENT_SOURCE}" and nothing else`,
  });
  const target = await ruleTarget(context, {
    ruleName,
    busName: bus,
    arn: topicArnOf(context),
    what: 'the topic',
    nowhere: 'the rule matches fulfilled orders and sends them nowhere',
  });
  if (target.InputPath || target.Input || target.InputTransformer) {
    throw new Miss({
      expected: 'the rule to send the topic the whole event: the sleighs filter on detail.region and detail.weightKg, and the audit keeps it all',
      found: `the target reshapes it: ${JSON.stringify({ InputPath: target.InputPath, Input: target.Input, InputTransformer: target.InputTransformer })}`,
    });
  }
}

async function checkQueuePolicy(context: GradingContext, key: QueueKey): Promise<void> {
  const url = await dispatchQueueUrl(context, key);
  const { base, title } = QUEUES[key];
  const { Attributes = {} } = await context.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }));
  // The topic delivers, so AWS sends the topic's ARN as aws:SourceArn.
  const problem = deliveryProblem({
    what: `the queue of ${title} (${context.name(base)})`,
    policy: Attributes.Policy,
    resource: queueArn(context.name(base)),
    action: 'sqs:SendMessage',
    sender: { service: 'sns.amazonaws.com', sourceArn: topicArnOf(context) },
  });
  if (!problem) return;
  const forEventBridge = policyAllows(Attributes.Policy, { service: 'events.amazonaws.com', action: 'sqs:SendMessage' });
  throw new Miss({
    expected: `${problem.expected}: the topic delivers, not EventBridge`,
    found: `${problem.found}${forEventBridge ? ' (the policy lets events.amazonaws.com send, as in exercise 3; here the sender is SNS)' : ''}`,
  });
}

/** The subscription of a dispatch queue to the topic. */
const subscriptionOf = (context: GradingContext, key: QueueKey) =>
  queueSubscription(context, {
    topicArn: topicArnOf(context),
    queueArn: queueArn(context.name(QUEUES[key].base)),
    what: `the queue ${context.name(QUEUES[key].base)} (${QUEUES[key].title})`,
    topicName: context.name('sleigh-dispatch'),
  });

/** The queue's subscription: its filter policy right on every sample, as SNS itself decides, and raw delivery as the queue wants. */
async function checkSubscription(context: GradingContext, key: QueueKey): Promise<void> {
  const spec = QUEUES[key];
  const state = await subscriptionOf(context, key);
  if (!state.filterPolicy) {
    throw new Miss({
      expected: `the subscription of ${spec.title} to have a filter policy: it takes ${spec.wants}`,
      found: `${describeSubscription(state)}: it takes every message`,
    });
  }
  const verdicts = await filterVerdicts(context.aws, context.name(`scratch-${spec.base}`), state.filterPolicy, state.scope, spec.samples);
  if (typeof verdicts === 'string')
    throw new Miss({ expected: `the filter policy of ${spec.title} to be valid`, found: `${verdicts}; the policy is ${state.filterPolicy}` });
  const wrong = spec.samples.findIndex((sample, index) => verdicts[index] !== sample.passes);
  if (wrong !== -1) {
    const sample = spec.samples[wrong];
    throw new Miss({
      expected: `the subscription of ${spec.title} to take ${spec.wants}; so ${sample.passes ? 'to let through' : 'to keep out'} ${sample.what}`,
      found: `the filter policy ${state.filterPolicy} on ${state.scope} ${sample.passes ? 'keeps it out' : 'lets it through'}${sample.passes ? scopeAdvice(spec.scope!, state) : ''}`,
    });
  }
  if (state.raw !== spec.raw) {
    throw new Miss({
      expected: `${spec.title} to receive ${spec.raw ? 'the bare message (RawMessageDelivery "true")' : "SNS's envelope (RawMessageDelivery off)"}`,
      found: `RawMessageDelivery ${state.raw}`,
    });
  }
}

export async function checkAuditSubscription(context: GradingContext): Promise<void> {
  const state = await subscriptionOf(context, 'audit');
  if (state.filterPolicy) {
    throw new Miss({ expected: 'the subscription of the audit to have no filter policy: the audit keeps every message', found: describeSubscription(state) });
  }
  if (state.raw) {
    throw new Miss({
      expected:
        "the audit to receive SNS's envelope (MessageId, Timestamp, TopicArn), RawMessageDelivery off: the audit wants to know which message, when and from where",
      found: 'RawMessageDelivery true: the audit would get the bare message',
    });
  }
}

/** What one message in a queue carries, and in which shape. */
interface Delivery {
  /** The order's orderId, or a notice's text. */
  id: string;
  shape: 'event' | 'text' | 'envelope';
  /** For an envelope: whether it names the message, its time and the topic. */
  envelope?: { MessageId?: string; Timestamp?: string; TopicArn?: string; MessageAttributes?: unknown };
  inner?: 'event' | 'text';
}

function unwrap(body: string): { id: string; shape: 'event' | 'text' } {
  try {
    const event = JSON.parse(body) as BusEvent;
    if (event && typeof event === 'object' && 'detail-type' in event && typeof event.detail?.orderId === 'string')
      return { id: event.detail.orderId, shape: 'event' };
  } catch {
    // Not JSON: a delay notice's text.
  }
  return { id: body, shape: 'text' };
}

function dispatchDelivery(message: Message): Delivery {
  const body = message.Body ?? '';
  try {
    const parsed = JSON.parse(body) as {
      Type?: string;
      Message?: string;
      MessageId?: string;
      Timestamp?: string;
      TopicArn?: string;
      MessageAttributes?: unknown;
    };
    if (parsed?.Type === 'Notification' && typeof parsed.Message === 'string') {
      const inner = unwrap(parsed.Message);
      const { MessageId, Timestamp, TopicArn, MessageAttributes } = parsed;
      return { id: inner.id, shape: 'envelope', inner: inner.shape, envelope: { MessageId, Timestamp, TopicArn, MessageAttributes } };
    }
  } catch {
    // Not an envelope.
  }
  return unwrap(body);
}

/** One message the grader sends through the topic, and the queues that must each receive it once. */
interface Shipment {
  id: string;
  what: string;
  to: QueueKey[];
  /** How it was sent: an event on the orders bus, or a delay notice through announceDelay(). */
  event?: { source: string; detailType: string; order: FulfilledOrder };
  notice?: DelayNotice;
}

function trafficBatch(context: GradingContext): Shipment[] {
  const order = (id: string, fields: Omit<FulfilledOrder, 'orderId' | 'child' | 'gift' | 'quantity' | 'fulfilledAt'> & { gift?: string }): FulfilledOrder => ({
    orderId: `${id}-${context.namespace}`,
    child: 'Ada',
    gift: id,
    quantity: 1,
    fulfilledAt: '2026-12-24T22:00:00Z',
    ...fields,
  });
  const fulfilled = (what: string, fulfilledOrder: FulfilledOrder, to: QueueKey[]): Shipment => ({
    id: fulfilledOrder.orderId,
    what,
    to,
    event: { source: FULFILMENT_SOURCE, detailType: EventTypes.OrderFulfilled, order: fulfilledOrder },
  });
  const notice = (what: string, delay: Omit<DelayNotice, 'text'> & { text: string }, to: QueueKey[]): Shipment => {
    const text = `${delay.text} (${context.namespace})`;
    return { id: text, what, to, notice: { ...delay, text } };
  };
  const placed = order('placed-sledge', { region: 'europe', weightKg: 30, outcome: 'shipped' });
  return [
    fulfilled('a fulfilled order of 4 kg for europe', order('snow-globe', { region: 'europe', weightKg: 4, outcome: 'shipped' }), ['europeSleigh', 'audit']),
    fulfilled('a fulfilled order of 35 kg for north-america', order('piano', { region: 'north-america', weightKg: 35, outcome: 'shipped' }), [
      'northAmericaSleigh',
      'heavyLiftSleigh',
      'audit',
    ]),
    fulfilled('a fulfilled order of 25 kg for asia', order('telescope', { region: 'asia', weightKg: 25, outcome: 'shipped' }), ['heavyLiftSleigh', 'audit']),
    fulfilled('a coal order of exactly 20 kg for europe', order('coal-sack', { region: 'europe', weightKg: 20, outcome: 'coal' }), ['europeSleigh', 'audit']),
    {
      id: placed.orderId,
      what: 'an OrderPlaced (placed, not yet fulfilled) of 30 kg for europe',
      to: [],
      event: { source: ORDERS_SOURCE, detailType: EventTypes.OrderPlaced, order: placed },
    },
    notice('a delay notice of 50 minutes for north-america', { region: 'north-america', minutes: 50, text: 'Snowstorm over the Rockies: 50 minutes late' }, [
      'reindeerStables',
      'audit',
    ]),
    notice('a delay notice of 10 minutes for asia', { region: 'asia', minutes: 10, text: 'Icy runway in Lapland: 10 minutes late' }, ['audit']),
  ];
}

const QUEUE_KEYS = Object.keys(QUEUES) as QueueKey[];

/** Sends the batch, as the fulfilment workflow and the dispatchers do, and collects what each queue receives. */
async function sendDispatchBatch(
  context: GradingContext,
  dispatch: SleighDispatch,
  urls: Map<QueueKey, string>,
  batch: Shipment[],
  waits: Map<QueueKey, Deadline>,
): Promise<Map<QueueKey, Delivery[]>> {
  const events = batch.flatMap((shipment) => (shipment.event ? [shipment.event] : []));
  const [put, ...announced] = await Promise.all([
    context.aws.eventBridge.send(
      new PutEventsCommand({
        Entries: events.map(({ source, detailType, order }) => ({
          EventBusName: context.contract(1).busName,
          Source: source,
          DetailType: detailType,
          Detail: JSON.stringify(order),
        })),
      }),
    ),
    ...batch.flatMap((shipment) => (shipment.notice ? [context.callLearner('announceDelay', dispatch, shipment.notice)] : [])),
  ]);
  if (put.FailedEntryCount)
    throw new Error(`The grader could not put its orders on the bus: ${put.Entries?.find((entry) => entry.ErrorMessage)?.ErrorMessage}`);
  const failed = announced.find((outcome) => outcome.kind !== 'returned');
  if (failed) throw new Miss({ expected: 'announceDelay(np, dispatch, notice) to publish the notice', found: `announceDelay() failed: ${failed.message}` });

  const expected = (key: QueueKey) => batch.filter((shipment) => shipment.to.includes(key)).map((shipment) => shipment.id);
  return collectDeliveries(context.aws, urls, dispatchDelivery, (item) => item.id, expected, new Set(batch.map((shipment) => shipment.id)), waits);
}

function checkShapes(context: GradingContext, received: Map<QueueKey, Delivery[]>): void {
  for (const [key, seen] of received) {
    const spec = QUEUES[key];
    const queue = context.name(spec.base);
    for (const item of seen) {
      if (spec.raw && item.shape === 'envelope') {
        throw new Miss({
          expected: `${spec.title} to receive the bare message (RawMessageDelivery "true" on its subscription)`,
          found: `SNS's envelope ({"Type": "Notification", "MessageId": …, "Message": "…"}) around ${item.id} in ${queue}`,
        });
      }
      if (!spec.raw && item.shape !== 'envelope') {
        throw new Miss({ expected: `${spec.title} to receive SNS's envelope (RawMessageDelivery off)`, found: `the bare message ${item.id} in ${queue}` });
      }
      if (!spec.raw && item.envelope?.TopicArn !== topicArnOf(context)) {
        throw new Miss({
          expected: `the audit's envelopes to name the topic ${topicArnOf(context)}`,
          found: `TopicArn ${item.envelope?.TopicArn} on ${item.id}`,
        });
      }
    }
  }
}

/** The way a message that went missing took: the bus and its rule, or announceDelay(), then the topic and the queue's subscription. */
async function pathOf(context: GradingContext, shipment: Shipment, key: QueueKey, audited: Delivery | undefined, auditWait: string): Promise<OrderPath> {
  const path = new OrderPath(shipment.id);
  const topicName = context.name('sleigh-dispatch');
  if (shipment.event) {
    const bus = context.contract(1).busName;
    path.reached(`PutEvents put ${shipment.event.detailType} on the bus ${bus}`, `source ${shipment.event.source}`);
    const event = JSON.parse(sampleEvent(shipment.event.source, shipment.event.detailType, shipment.event.order)) as BusEvent;
    await path.rules(context.aws, bus, event, { ownPrefix: context.name(''), expected: [context.name('sleigh-dispatch')] });
  } else {
    path.reached('announceDelay() returned', `the notice "${shipment.id}"`);
  }
  if (audited)
    path.reached(
      `the topic ${topicName}`,
      `the audit queue received it${audited.envelope?.MessageAttributes ? `, with the message attributes ${JSON.stringify(audited.envelope.MessageAttributes)}` : ', with no message attributes'}`,
    );
  else path.missed(`the topic ${topicName}`, `not even the audit queue, which takes everything, received it ${auditWait}`);
  const state = await subscriptionOf(context, key).catch(() => undefined);
  path.missed(
    `the subscription of ${context.name(QUEUES[key].base)}`,
    state ? `${state.filterPolicy ? 'its filter kept it out: ' : ''}${describeSubscription(state)}` : 'none',
  );
  return path;
}

async function checkSleighArrivals(
  context: GradingContext,
  batch: Shipment[],
  received: Map<QueueKey, Delivery[]>,
  waits: Map<QueueKey, Deadline>,
): Promise<void> {
  const misdelivery = firstMisdelivery({
    ids: batch.map((shipment) => shipment.id),
    queues: QUEUE_KEYS,
    wanted: (id, key) => (batch.find((shipment) => shipment.id === id)!.to.includes(key) ? ONCE : NEVER),
    count: (id, key) => countOf(received.get(key), (item) => item.id, id),
  });
  if (!misdelivery) return;
  const { id, queue: key, got, wanted } = misdelivery;
  const shipment = batch.find((candidate) => candidate.id === id)!;
  const spec = QUEUES[key];
  const queue = context.name(spec.base);
  if (got > wanted.max) {
    const state = await subscriptionOf(context, key).catch(() => undefined);
    throw new Miss({
      expected: wanted.max
        ? `${shipment.what} (${shipment.id}) to reach ${spec.title} once`
        : `${shipment.what} (${shipment.id}) not to reach ${spec.title}, which takes ${spec.wants}`,
      found: `it arrived ${got} times in ${queue}${state ? `; its subscription: ${describeSubscription(state)}` : ''}`,
    });
  }
  const audited = received.get('audit')!.find((item) => item.id === shipment.id);
  const waited = (queueKey: QueueKey) => waits.get(queueKey)?.within() ?? `within ${DELIVERY_DEADLINE_MS / 1000} s`;
  throw new Miss({
    expected: `${shipment.what} (${shipment.id}) to reach ${spec.title}, which takes ${spec.wants}`,
    found: `it did not arrive in ${queue} ${waited(key)}`,
    path: await pathOf(context, shipment, key, audited, waited('audit')),
  });
}

function checkReturnedDispatch(context: GradingContext, dispatch: SleighDispatch, urls: Map<QueueKey, string>, subscriptions: Map<QueueKey, string>): void {
  const wanted = { topicArn: topicArnOf(context), ruleName: context.name('sleigh-dispatch') };
  if (dispatch.topicArn !== wanted.topicArn || dispatch.ruleName !== wanted.ruleName) {
    throw new Miss({
      expected: `deploy() to return ${JSON.stringify(wanted)} with the queues`,
      found: JSON.stringify({ topicArn: dispatch.topicArn, ruleName: dispatch.ruleName }),
    });
  }
  for (const key of QUEUE_KEYS) {
    const queue: DispatchQueue = { queueUrl: urls.get(key)!, queueArn: queueArn(context.name(QUEUES[key].base)), subscriptionArn: subscriptions.get(key)! };
    const returned = dispatch.queues?.[key];
    if (returned?.queueUrl !== queue.queueUrl || returned.queueArn !== queue.queueArn || returned.subscriptionArn !== queue.subscriptionArn) {
      throw new Miss({
        expected: `deploy()'s queues.${key} to be ${JSON.stringify(queue)}`,
        found: returned === undefined ? 'it is missing' : JSON.stringify(returned),
      });
    }
  }
}

export default defineGrader<5>({
  // Every fulfilled order is announced once (OrderFulfilled, behind the fulfilment machine's conditional put),
  // so each queue holds it once when its filter takes it; the stables take delay notices, never orders.
  sinks: ({ queues }) => {
    return [
      { name: "the European sleigh's queue", queueUrl: queues.europeSleigh.queueUrl, receives: (order) => order.region === 'europe', delivery: 'once' },
      {
        name: "the North American sleigh's queue",
        queueUrl: queues.northAmericaSleigh.queueUrl,
        receives: (order) => order.region === 'north-america',
        delivery: 'once',
      },
      { name: "the heavy-lift sleigh's queue", queueUrl: queues.heavyLiftSleigh.queueUrl, receives: (order) => (order.weightKg ?? 0) > 20, delivery: 'once' },
      { name: 'the reindeer stables', queueUrl: queues.reindeerStables.queueUrl, receives: () => false, delivery: 'once' },
      { name: 'the audit queue', queueUrl: queues.audit.queueUrl, receives: () => true, delivery: 'once' },
    ];
  },

  tasks: {
    1: async (context) => {
      await checkTopic(context);
      await checkDispatchRule(context);
    },

    2: async (context) => {
      for (const key of QUEUE_KEYS) await checkQueuePolicy(context, key);
    },

    3: async (context) => {
      // Each filter has its own scratch topic, so the three tables run at once; the first in order is reported.
      const outcomes = await Promise.allSettled(
        (['europeSleigh', 'northAmericaSleigh', 'heavyLiftSleigh'] as QueueKey[]).map((key) => checkSubscription(context, key)),
      );
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    },

    4: async (context) => {
      await checkSubscription(context, 'reindeerStables');
      const dispatch = deployedValue(context);
      const notice: DelayNotice = {
        region: 'europe',
        minutes: 45,
        text: `Fog over the Alps: the European sleigh leaves 45 minutes late (${context.namespace})`,
      };
      const announced = await context.callLearner('announceDelay', dispatch, notice);
      if (announced.kind !== 'returned') {
        throw new Miss({
          expected: 'announceDelay(np, dispatch, notice) to publish the notice to the topic',
          found: `announceDelay() failed: ${announced.message}`,
        });
      }
      const url = await dispatchQueueUrl(context, 'reindeerStables');
      const seen: Message[] = [];
      const toStables = new Deadline(DELIVERY_DEADLINE_MS);
      const arrived = await receiveUntil(
        context.aws,
        url,
        (message) => message,
        (message) => message.Body === notice.text,
        seen,
        toStables,
      );
      if (!arrived) {
        throw new Miss({
          expected: `announceDelay() to publish ${JSON.stringify(notice)} to ${topicArnOf(context)} as the text "${notice.text}" with the message attributes region (String) and minutes (Number), so that it reaches the reindeer stables`,
          found: `it did not arrive in ${context.name('reindeer-stables')} ${toStables.within()}: does announceDelay() publish to dispatch.topicArn, with MessageAttributes { minutes: { DataType: "Number", StringValue: "45" }, … }?`,
        });
      }
      // Raw delivery hands SNS's message attributes on as the queue message's own. LocalStack compares
      // numbers with a String attribute too; AWS compares them with Number attributes only.
      const attributes = arrived.MessageAttributes ?? {};
      const wrong = Object.entries(noticeAttributes(notice)).find(
        ([name, value]) => attributes[name]?.DataType !== value.DataType || attributes[name]?.StringValue !== value.StringValue,
      );
      if (wrong) {
        throw new Miss({
          expected: `the notice's message attribute ${wrong[0]} to be ${JSON.stringify(wrong[1])}: on AWS a numeric filter only matches a Number attribute`,
          found: `the attributes ${JSON.stringify(Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: value.DataType, StringValue: value.StringValue }])))}`,
        });
      }
    },

    5: async (context) => {
      await checkAuditSubscription(context);
      const dispatch = deployedValue(context);
      const urls = new Map(await Promise.all(QUEUE_KEYS.map(async (key): Promise<[QueueKey, string]> => [key, await dispatchQueueUrl(context, key)])));
      const subscriptions = new Map(
        await Promise.all(QUEUE_KEYS.map(async (key): Promise<[QueueKey, string]> => [key, (await subscriptionOf(context, key)).arn])),
      );
      checkReturnedDispatch(context, dispatch, urls, subscriptions);
      const batch = trafficBatch(context);
      const waits = new Map<QueueKey, Deadline>();
      const received = await sendDispatchBatch(context, dispatch, urls, batch, waits);
      checkShapes(context, received);
      await checkSleighArrivals(context, batch, received, waits);
    },
  },
});
