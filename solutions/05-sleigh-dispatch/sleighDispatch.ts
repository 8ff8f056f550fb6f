import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { EventTypes, FULFILMENT_SOURCE, type DelayNotice, type DispatchQueue, type OrdersBus, type SleighDispatch } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

// Task 1: a topic EventBridge may publish to, and a rule that gives it every fulfilled order
async function dispatchTopic(np: NorthPole, ordersBus: OrdersBus, ruleName: string): Promise<string> {
  const topicName = np.name('sleigh-dispatch');
  const topicArn = `arn:aws:sns:${np.region}:${np.accountId}:${topicName}`;
  const ruleArn = `arn:aws:events:${np.region}:${np.accountId}:rule/${ordersBus.busName}/${ruleName}`;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
  await np.sns.send(new CreateTopicCommand({ Name: topicName, Attributes: { Policy: JSON.stringify(policy) } }));
  const pattern = { source: [FULFILMENT_SOURCE], 'detail-type': [EventTypes.OrderFulfilled] };
  await np.eventBridge.send(new PutRuleCommand({ Name: ruleName, EventBusName: ordersBus.busName, EventPattern: JSON.stringify(pattern) }));
  await np.eventBridge.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: ordersBus.busName, Targets: [{ Id: 'sleigh-dispatch', Arn: topicArn }] }));
  return topicArn;
}

// Task 2: a queue only the topic may send to
async function dispatchQueue(np: NorthPole, topicArn: string, base: string): Promise<Omit<DispatchQueue, 'subscriptionArn'>> {
  const queueName = np.name(base);
  const queueArn = `arn:aws:sqs:${np.region}:${np.accountId}:${queueName}`;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  };
  const { QueueUrl } = await np.sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: { Policy: JSON.stringify(policy) } }));
  return { queueUrl: QueueUrl!, queueArn };
}

interface Subscription {
  filterPolicy?: Record<string, unknown>;
  scope?: 'MessageBody' | 'MessageAttributes';
  raw: boolean;
}

// Tasks 3 to 5: each queue subscribes with the filter it needs, and says whether it wants the envelope
async function subscribe(np: NorthPole, topicArn: string, queue: Omit<DispatchQueue, 'subscriptionArn'>, subscription: Subscription): Promise<DispatchQueue> {
  const attributes: Record<string, string> = { RawMessageDelivery: String(subscription.raw) };
  if (subscription.filterPolicy) attributes.FilterPolicy = JSON.stringify(subscription.filterPolicy);
  if (subscription.scope) attributes.FilterPolicyScope = subscription.scope;
  const { SubscriptionArn } = await np.sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.queueArn, Attributes: attributes, ReturnSubscriptionArn: true }),
  );
  return { ...queue, subscriptionArn: SubscriptionArn! };
}

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<SleighDispatch> {
  const ruleName = np.name('sleigh-dispatch');
  const topicArn = await dispatchTopic(np, ordersBus, ruleName);
  const [europe, northAmerica, heavyLift, stables, audit] = await Promise.all(
    ['sleigh-europe', 'sleigh-north-america', 'heavy-lift-sleigh', 'reindeer-stables', 'dispatch-audit'].map((base) => dispatchQueue(np, topicArn, base)),
  );

  const [europeSleigh, northAmericaSleigh, heavyLiftSleigh, reindeerStables, auditQueue] = await Promise.all([
    // Task 3: EventBridge sets no message attributes, so the sleighs filter on the event itself
    subscribe(np, topicArn, europe, { filterPolicy: { detail: { region: ['europe'] } }, scope: 'MessageBody', raw: true }),
    subscribe(np, topicArn, northAmerica, { filterPolicy: { detail: { region: ['north-america'] } }, scope: 'MessageBody', raw: true }),
    subscribe(np, topicArn, heavyLift, { filterPolicy: { detail: { weightKg: [{ numeric: ['>', 20] }] } }, scope: 'MessageBody', raw: true }),
    // Task 4: a delay notice is plain text; what the stables filter on travels in its attributes
    subscribe(np, topicArn, stables, { filterPolicy: { minutes: [{ numeric: ['>=', 30] }] }, scope: 'MessageAttributes', raw: true }),
    // Task 5: the audit keeps everything, in the envelope that says when and from where
    subscribe(np, topicArn, audit, { raw: false }),
  ]);

  return { topicArn, ruleName, queues: { europeSleigh, northAmericaSleigh, heavyLiftSleigh, reindeerStables, audit: auditQueue } };
}

// Task 4: the dispatchers' own producer: the text for people, the attributes for filters
export async function announceDelay(np: NorthPole, dispatch: SleighDispatch, notice: DelayNotice): Promise<void> {
  await np.sns.send(
    new PublishCommand({
      TopicArn: dispatch.topicArn,
      Message: notice.text,
      MessageAttributes: {
        region: { DataType: 'String', StringValue: notice.region },
        minutes: { DataType: 'Number', StringValue: String(notice.minutes) },
      },
    }),
  );
}
