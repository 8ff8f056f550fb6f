import { CreateTopicCommand, PublishCommand, SubscribeCommand, type MessageAttributeValue } from '@aws-sdk/client-sns';
import { CreateQueueCommand, type Message } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../aws/clients.ts';
import { queueArn } from '../../aws/arns.ts';
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
export async function filterVerdicts(aws: AwsClients, scratchName: string, policy: string, scope: FilterScope, samples: FilterSample[]): Promise<boolean[] | string> {
  const [{ TopicArn }, { QueueUrl }] = await Promise.all([
    aws.sns.send(new CreateTopicCommand({ Name: scratchName })),
    aws.sqs.send(new CreateQueueCommand({ QueueName: scratchName })),
  ]);
  try {
    await aws.sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn(scratchName), Attributes: { FilterPolicy: policy, FilterPolicyScope: scope, RawMessageDelivery: 'true' } }),
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
