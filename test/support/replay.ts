import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DeleteArchiveCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { newNamespace } from '../../kit/grading/namespace.ts';

export interface ReplayProof {
  replayState?: string;
  original?: Record<string, unknown>;
  replayed?: Record<string, unknown>;
  replayName: string;
  orderId: string;
}

async function until<T>(deadlineMs: number, look: () => Promise<T | undefined>): Promise<T | undefined> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const found = await look();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

/**
 * Archive and replay end to end: a bus with an archive and a rule to a queue, one order event, then
 * StartReplay of the window. Returns what was seen; the caller asserts. Cleans up what it made.
 */
export async function replayThroughArchive(endpoint: string): Promise<ReplayProof> {
  const aws = awsClients(endpoint);
  const namespace = newNamespace();
  const busName = `${namespace}-replayBus`;
  const ruleName = `${namespace}-allOrders`;
  const archiveName = `${namespace}-ordersArchive`;
  const replayName = `${namespace}-replay`;
  const orderId = `${namespace}-order-1`;
  let queueUrl: string | undefined;
  try {
    const { EventBusArn: busArn } = await aws.eventBridge.send(new CreateEventBusCommand({ Name: busName }));
    queueUrl = (await aws.sqs.send(new CreateQueueCommand({ QueueName: `${namespace}-replayed` }))).QueueUrl!;
    const { Attributes } = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await aws.eventBridge.send(new PutRuleCommand({ Name: ruleName, EventBusName: busName, EventPattern: JSON.stringify({ source: ['northpole.orders'] }) }));
    await aws.eventBridge.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: busName, Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn! }] }));
    const { ArchiveArn: archiveArn } = await aws.eventBridge.send(new CreateArchiveCommand({ ArchiveName: archiveName, EventSourceArn: busArn! }));

    const windowStart = new Date(Date.now() - 120_000);
    await aws.eventBridge.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: busName, Source: 'northpole.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId }) }],
      }),
    );
    const receive = () =>
      until(15_000, async () => {
        const { Messages } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }));
        return Messages?.[0] ? (JSON.parse(Messages[0].Body!) as Record<string, unknown>) : undefined;
      });
    const original = await receive();
    await until(10_000, async () => ((await aws.eventBridge.send(new DescribeArchiveCommand({ ArchiveName: archiveName }))).EventCount ?? 0) > 0 || undefined);

    await aws.eventBridge.send(
      new StartReplayCommand({
        ReplayName: replayName,
        EventSourceArn: archiveArn,
        EventStartTime: windowStart,
        EventEndTime: new Date(),
        Destination: { Arn: busArn! },
      }),
    );
    const replayState = await until(15_000, async () => {
      const { State } = await aws.eventBridge.send(new DescribeReplayCommand({ ReplayName: replayName }));
      return State === 'COMPLETED' || State === 'FAILED' ? State : undefined;
    });
    const replayed = replayState === 'COMPLETED' ? await receive() : undefined;
    return { replayState, original, replayed, replayName, orderId };
  } finally {
    await Promise.allSettled([
      aws.eventBridge
        .send(new RemoveTargetsCommand({ Rule: ruleName, EventBusName: busName, Ids: ['queue'] }))
        .then(() => aws.eventBridge.send(new DeleteRuleCommand({ Name: ruleName, EventBusName: busName }))),
      aws.eventBridge.send(new DeleteArchiveCommand({ ArchiveName: archiveName })),
      queueUrl ? aws.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })) : Promise.resolve(),
    ]);
    await aws.eventBridge.send(new DeleteEventBusCommand({ Name: busName })).catch(() => undefined);
    destroyClients(aws);
  }
}
