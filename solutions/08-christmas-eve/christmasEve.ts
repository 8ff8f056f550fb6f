import { CreateArchiveCommand, DescribeReplayCommand, DescribeRuleCommand, PutRuleCommand, PutTargetsCommand, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { EventTypes, ORDERS_SOURCE, type ChristmasEve, type FulfilmentWorkflow, type OrdersBus, type OutageWindow, type Recovery } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

const REPLAY_DEADLINE_MS = 30_000;

export async function deploy(np: NorthPole, ordersBus: OrdersBus, fulfilment: FulfilmentWorkflow): Promise<ChristmasEve> {
  // Task 1: keep every order placed, and only those: a replay puts them on the bus again
  const archiveName = np.name('orders-archive');
  const { ArchiveArn } = await np.eventBridge.send(
    new CreateArchiveCommand({
      ArchiveName: archiveName,
      EventSourceArn: ordersBus.busArn,
      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),
      RetentionDays: 30,
    }),
  );

  // Task 2: a letter for each order placed, never a second one for the same order replayed
  const lettersName = np.name('letters');
  const lettersQueueArn = `arn:aws:sqs:${np.region}:${np.accountId}:${lettersName}`;
  const { QueueUrl } = await np.sqs.send(
    new CreateQueueCommand({
      QueueName: lettersName,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: lettersQueueArn }],
        }),
      },
    }),
  );
  await np.eventBridge.send(
    new PutRuleCommand({
      Name: lettersName,
      EventBusName: ordersBus.busName,
      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], 'replay-name': [{ exists: false }] }),
    }),
  );
  await np.eventBridge.send(
    new PutTargetsCommand({ Rule: lettersName, EventBusName: ordersBus.busName, Targets: [{ Id: 'letters', Arn: lettersQueueArn, InputPath: '$.detail' }] }),
  );

  // Task 3: the one rule a replay is for
  const { Arn: fulfilmentRuleArn } = await np.eventBridge.send(new DescribeRuleCommand({ Name: fulfilment.ruleName, EventBusName: ordersBus.busName }));

  return {
    archiveName,
    archiveArn: ArchiveArn!,
    busArn: ordersBus.busArn,
    fulfilmentRuleArn: fulfilmentRuleArn!,
    lettersRuleName: lettersName,
    lettersQueueUrl: QueueUrl!,
    lettersQueueArn,
  };
}

export async function recover(np: NorthPole, christmasEve: ChristmasEve, window: OutageWindow): Promise<Recovery> {
  // Task 3: exactly the outage, back to the fulfilment rule alone
  const replayName = np.name(`outage-${Date.parse(window.start) / 1000}`);
  await np.eventBridge.send(
    new StartReplayCommand({
      ReplayName: replayName,
      EventSourceArn: christmasEve.archiveArn,
      EventStartTime: new Date(window.start),
      EventEndTime: new Date(window.end),
      Destination: { Arn: christmasEve.busArn, FilterArns: [christmasEve.fulfilmentRuleArn] },
    }),
  );

  // Task 4: the orders are back on the bus only once the replay has completed
  const deadline = Date.now() + REPLAY_DEADLINE_MS;
  for (;;) {
    const { State, StateReason } = await np.eventBridge.send(new DescribeReplayCommand({ ReplayName: replayName }));
    if (State === 'COMPLETED') return { replayName, state: State };
    if (State === 'FAILED' || State === 'CANCELLED') throw new Error(`The replay ${replayName} ${State.toLowerCase()}: ${StateReason ?? 'no reason given'}`);
    if (Date.now() > deadline) throw new Error(`The replay ${replayName} was still ${State} after ${REPLAY_DEADLINE_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
