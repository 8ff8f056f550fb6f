import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { EventTypes, FULFILMENT_SOURCE, type DelayNotice, type DispatchQueue, type OrdersBus, type SleighDispatch } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

// Exercise 5: sleigh dispatch, fan-out with SNS. Instructions: exercises/05-sleigh-dispatch/README.md
// Grade it with `npm run exercise 5`; stuck? `npm run hint 5`.
// The kit deploys the reference orders bus of exercise 1 first and passes it in as ordersBus.

/** The topic np.name('sleigh-dispatch'), and the rule `ruleName` that feeds it; returns the topic's ARN. */
async function dispatchTopic(np: NorthPole, ordersBus: OrdersBus, ruleName: string): Promise<string> {
  // TODO (Task 1): create the SNS topic np.name('sleigh-dispatch') with a policy that allows the
  // service events.amazonaws.com to sns:Publish to it. Put the rule ruleName on the orders bus for
  // every OrderFulfilled (EventTypes.OrderFulfilled) from the fulfilment workflow (FULFILMENT_SOURCE),
  // with the topic as its target.
  return '';
}

/** The queue np.name(base), which the topic will send to. */
async function dispatchQueue(np: NorthPole, topicArn: string, base: string): Promise<Omit<DispatchQueue, 'subscriptionArn'>> {
  // TODO (Task 2): create the queue np.name(base) with a policy that allows the service
  // sns.amazonaws.com to sqs:SendMessage to it (only from the topic: aws:SourceArn), and return its URL and ARN.
  return { queueUrl: '', queueArn: '' };
}

interface Subscription {
  /** What the queue wants, as an SNS filter policy; none for a queue that takes everything. */
  filterPolicy?: Record<string, unknown>;
  /** Where the filter looks: the message itself, or its message attributes (SNS's default). */
  scope?: 'MessageBody' | 'MessageAttributes';
  /** true: the queue gets the bare message; false: the message inside SNS's envelope. */
  raw: boolean;
}

/** Subscribes the queue to the topic as `subscription` says. */
async function subscribe(np: NorthPole, topicArn: string, queue: Omit<DispatchQueue, 'subscriptionArn'>, subscription: Subscription): Promise<DispatchQueue> {
  // TODO (Task 3): subscribe the queue (Protocol 'sqs', Endpoint its ARN) to the topic, with the
  // subscription's FilterPolicy, FilterPolicyScope and RawMessageDelivery as attributes, and return
  // the subscription's ARN with the queue.
  return { ...queue, subscriptionArn: '' };
}

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<SleighDispatch> {
  const ruleName = np.name('sleigh-dispatch');
  const topicArn = await dispatchTopic(np, ordersBus, ruleName);
  const [europe, northAmerica, heavyLift, stables, audit] = await Promise.all(
    ['sleigh-europe', 'sleigh-north-america', 'heavy-lift-sleigh', 'reindeer-stables', 'dispatch-audit'].map((base) => dispatchQueue(np, topicArn, base)),
  );

  // Every queue is subscribed for the bare message (raw: true) until you say otherwise.
  // TODO (Task 3): the European sleigh takes fulfilled orders for region "europe", the North American
  // sleigh those for "north-america", the heavy-lift sleigh those heavier than 20 kg (weightKg), each
  // as the bare event. EventBridge sets no message attributes: where must their filters look?
  const europeSleigh = await subscribe(np, topicArn, europe, { raw: true });
  const northAmericaSleigh = await subscribe(np, topicArn, northAmerica, { raw: true });
  const heavyLiftSleigh = await subscribe(np, topicArn, heavyLift, { raw: true });

  // TODO (Task 4): the reindeer stables take delay notices of 30 minutes or more, as the bare text,
  // filtered on the notice's message attributes. Write announceDelay() below too.
  const reindeerStables = await subscribe(np, topicArn, stables, { raw: true });

  // TODO (Task 5): the audit takes every message, in SNS's envelope (MessageId, Timestamp, TopicArn):
  // is the bare message what it wants?
  const auditQueue = await subscribe(np, topicArn, audit, { raw: true });

  return { topicArn, ruleName, queues: { europeSleigh, northAmericaSleigh, heavyLiftSleigh, reindeerStables, audit: auditQueue } };
}

/** The dispatchers' own producer: a delay notice, published to the sleigh-dispatch topic. */
export async function announceDelay(np: NorthPole, dispatch: SleighDispatch, notice: DelayNotice): Promise<void> {
  // TODO (Task 4): publish notice.text to dispatch.topicArn, with the message attributes region
  // (DataType 'String') and minutes (DataType 'Number') that subscribers filter on.
}
