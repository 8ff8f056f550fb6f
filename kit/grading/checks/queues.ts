import { DeleteMessageBatchCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { ifExists } from './evidence.ts';
import { Miss, type GradingContext } from './grader.ts';
import { lookAtTodo } from './look.ts';

/** The URL of the learner's queue `np.name(baseName)`, or a Miss saying it is not there (`what` it is for, `task` to look at). */
export async function queueUrl(context: GradingContext, baseName: string, task?: number, what = 'an SQS queue'): Promise<string> {
  const url = (await ifExists(() => context.aws.sqs.send(new GetQueueUrlCommand({ QueueName: context.name(baseName) }))))?.QueueUrl;
  if (!url)
    throw new Miss({
      expected: `${what} named ${context.name(baseName)} (np.name('${baseName}'))`,
      found: 'no queue with that name',
      look: task === undefined ? undefined : lookAtTodo(context, task),
    });
  return url;
}

export async function queueAttributes(context: Pick<GradingContext, 'aws'>, url: string): Promise<Record<string, string>> {
  return (await context.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
}

/** Messages waiting, and received but not deleted (in flight). */
export async function queueDepth(context: Pick<GradingContext, 'aws'>, url: string): Promise<{ visible: number; inFlight: number }> {
  const attributes = await queueAttributes(context, url);
  return { visible: Number(attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

/** A message's body as JSON, or as its text when it is not JSON. */
export const parseBody = (message: Message): unknown => {
  try {
    return JSON.parse(message.Body ?? '') as unknown;
  } catch {
    return message.Body;
  }
};

/** Every message on a queue now, received and deleted until a receive comes back empty. */
export async function drain(context: Pick<GradingContext, 'aws'>, url: string): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const { Messages = [] } = await context.aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    await context.aws.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    bodies.push(...Messages.map(parseBody));
  }
}
