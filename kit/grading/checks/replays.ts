import {
  CreateArchiveCommand,
  CreateEventBusCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  PutEventsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { EventTypes, ORDERS_SOURCE } from '../../contracts.ts';
import { EnvironmentError } from '../../environmentError.ts';
import type { GradingContext } from './grader.ts';
import { Deadline } from './deadline.ts';
import { pollUntil } from './observe.ts';

// EventBridge replays on the endpoint the grade runs on: LocalStack 4.13.1 as released cannot replay
// (the kit patches it); another LocalStack, or another emulator, is tried before a step relies on it.

/**
 * On a LocalStack the kit did not start, replay may be broken (4.13.1 as released answers HTTP 500
 * once an archive holds an event): a tiny archive and replay first, so that a broken LocalStack is
 * reported as what it is rather than as the learner's mistake.
 */
export async function probeReplay(context: Omit<GradingContext, 'deployed'>): Promise<EnvironmentError | undefined> {
  const { eventBridge } = context.aws;
  const busName = context.name('replay-probe');
  try {
    const { EventBusArn } = await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
    const { ArchiveArn } = await eventBridge.send(new CreateArchiveCommand({ ArchiveName: context.name('replay-probe'), EventSourceArn: EventBusArn }));
    const start = new Date(Date.now() - 60_000);
    await eventBridge.send(
      new PutEventsCommand({ Entries: [{ EventBusName: busName, Source: ORDERS_SOURCE, DetailType: EventTypes.OrderPlaced, Detail: '{}' }] }),
    );
    await pollUntil(
      5_000,
      async () => ((await eventBridge.send(new DescribeArchiveCommand({ ArchiveName: context.name('replay-probe') }))).EventCount ?? 0) > 0 || undefined,
    );
    const ReplayName = context.name('replay-probe');
    await eventBridge.send(
      new StartReplayCommand({
        ReplayName,
        EventSourceArn: ArchiveArn,
        EventStartTime: start,
        EventEndTime: new Date(Date.now() + 1_000),
        Destination: { Arn: EventBusArn },
      }),
    );
    const replayed = new Deadline(5_000);
    const state = await pollUntil(replayed, async () => {
      const { State } = await eventBridge.send(new DescribeReplayCommand({ ReplayName }));
      return State === 'COMPLETED' || State === 'FAILED' ? State : undefined;
    });
    if (state === 'COMPLETED') return undefined;
    return replayBroken(context, `a replay of one archived event ${state === 'FAILED' ? 'failed' : `did not complete ${replayed.within()}`}`);
  } catch (error) {
    return replayBroken(context, `${(error as Error).name}: ${(error as Error).message}`);
  }
}

function replayBroken(context: Omit<GradingContext, 'deployed'>, why: string): EnvironmentError {
  return new EnvironmentError(
    `EventBridge replay does not work on the LocalStack at ${context.localstack.endpoint}`,
    `Exercise 8 replays archived events, and this LocalStack cannot: ${why}. LocalStack 4.13.1 as released answers StartReplay with HTTP 500 as soon as the archive holds an event.`,
    "Use the kit's own LocalStack (unset NORTHPOLE_ENDPOINT: the kit starts one with its patches), or start yours from docker/ (`docker compose up` mounts the kit's patches, kit/localstack/patches/), then run the command again.",
  );
}
