import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SubscribeCommand,
  type MessageAttributeValue,
  type Subscription,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, type Message } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../aws/clients.ts';
import { queueArn } from '../../aws/arns.ts';
import { Miss, type GradingContext } from './grader.ts';
import { receiveUntilAll, receiveWaiting } from './observe.ts';

/** A message an SNS subscription's filter policy must let through, or keep out. */
export interface FilterSample {
  what: string;
  /** The message body; every sample of a table has its own. */
  message: string;
  attributes?: Record<string, MessageAttributeValue>;
  passes: boolean;
}

export type FilterScope = 'MessageAttributes' | 'MessageBody';

/** How long a sample that should pass may take to arrive: SNS to SQS on LocalStack takes tens of milliseconds. */
const SAMPLE_DEADLINE_MS = 5_000;

/**
 * SNS's own answer, for each sample, to "does this filter policy let it through?". There is no API
 * that tests a filter policy, so a scratch topic gets a scratch queue subscribed with exactly this
 * policy and scope, every sample is published once, and what arrives is what passed. The samples
 * that must stay out are published first, so that once every sample that must pass has arrived, a
 * receive without waiting shows any that slipped through. A policy SNS refuses is a reason (string).
 */
export async function filterVerdicts(
  aws: AwsClients,
  scratchName: string,
  policy: string,
  scope: FilterScope,
  samples: FilterSample[],
): Promise<boolean[] | string> {
  const [{ TopicArn }, { QueueUrl }] = await Promise.all([
    aws.sns.send(new CreateTopicCommand({ Name: scratchName })),
    aws.sqs.send(new CreateQueueCommand({ QueueName: scratchName })),
  ]);
  try {
    await aws.sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queueArn(scratchName),
        Attributes: { FilterPolicy: policy, FilterPolicyScope: scope, RawMessageDelivery: 'true' },
      }),
    );
  } catch (error) {
    return `SNS refuses it: ${(error as Error).message}`;
  }
  const publish = (sample: FilterSample) => aws.sns.send(new PublishCommand({ TopicArn, Message: sample.message, MessageAttributes: sample.attributes }));
  await Promise.all(samples.filter((sample) => !sample.passes).map(publish));
  await Promise.all(samples.filter((sample) => sample.passes).map(publish));

  const index = (message: Message) => {
    const found = samples.findIndex((sample) => sample.message === message.Body);
    return found === -1 ? undefined : found;
  };
  const arrived: number[] = [];
  const mustPass = samples.flatMap((sample, position) => (sample.passes ? [position] : []));
  await receiveUntilAll(aws, QueueUrl!, index, (seen) => mustPass.every((position) => seen.includes(position)), arrived, SAMPLE_DEADLINE_MS);
  await receiveWaiting(aws, QueueUrl!, index, arrived);
  return samples.map((_, position) => arrived.includes(position));
}

/** A queue's subscription to a topic, as SNS keeps it. */
export interface SubscriptionState {
  arn: string;
  filterPolicy?: string;
  scope: FilterScope;
  raw: boolean;
}

export const describeSubscription = (state: SubscriptionState) =>
  `${state.filterPolicy ? `filter policy ${state.filterPolicy} on ${state.scope}` : 'no filter policy'}, RawMessageDelivery ${state.raw}`;

async function subscriptionsOfTopic(aws: AwsClients, TopicArn: string): Promise<Subscription[]> {
  const subscriptions: Subscription[] = [];
  let NextToken: string | undefined;
  do {
    const page = await aws.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn, NextToken }));
    subscriptions.push(...(page.Subscriptions ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return subscriptions;
}

/** The one subscription of the queue `queueArn` to the topic (`what` names the queue), or a Miss. */
export async function queueSubscription(
  context: Pick<GradingContext, 'aws'>,
  find: { topicArn: string; queueArn: string; what: string; topicName: string },
): Promise<SubscriptionState> {
  const subscriptions = (await subscriptionsOfTopic(context.aws, find.topicArn)).filter((candidate) => candidate.Endpoint === find.queueArn);
  if (subscriptions.length !== 1) {
    throw new Miss({
      expected: `one subscription of ${find.what} to the topic ${find.topicName}, Protocol "sqs"`,
      found: subscriptions.length
        ? `${subscriptions.length} subscriptions: the queue would get every message more than once`
        : 'no subscription with that queue as its Endpoint',
    });
  }
  const { Attributes = {} } = await context.aws.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptions[0]!.SubscriptionArn }));
  return {
    arn: subscriptions[0]!.SubscriptionArn!,
    filterPolicy: Attributes.FilterPolicy || undefined,
    scope: (Attributes.FilterPolicyScope as FilterScope | undefined) ?? 'MessageAttributes',
    raw: Attributes.RawMessageDelivery === 'true',
  };
}

/** Why a filter on the wrong scope lets nothing through, when that is what happened. */
export function scopeAdvice(wanted: FilterScope, state: SubscriptionState): string {
  if (state.scope === wanted) return '';
  return wanted === 'MessageBody'
    ? '. The policy looks at message attributes (FilterPolicyScope MessageAttributes, the default), and EventBridge sets none: filter on the message body (FilterPolicyScope "MessageBody"), nesting the policy as the event nests its fields'
    : '. The policy looks at the message body (FilterPolicyScope MessageBody), and a delay notice is plain text: filter on its message attributes (FilterPolicyScope "MessageAttributes")';
}
