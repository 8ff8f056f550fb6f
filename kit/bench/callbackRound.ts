import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, SendTaskSuccessCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { AwsClock } from '../aws/awsClock.ts';
import { awsClients, destroyClients, type AwsClients } from '../aws/clients.ts';
import { EventTypes, ORDERS_SOURCE, type Order, type OrdersBus, type QualityCheckedFulfilment } from '../contracts.ts';
import { LearnerSession } from '../grading/learnerSession.ts';
import { newNamespace } from '../grading/namespace.ts';
import { removeNamespace } from '../grading/sweep.ts';
import { exercisePaths, findExercise } from '../track.ts';
import { loadNow } from './processCpu.ts';

const ROUND_DEADLINE_MS = 60_000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * How long each state that waited for a task token (`.waitForTaskToken`) waited, entered to exited,
 * in the history of one execution: the callback round as the execution saw it.
 */
export function tokenWaits(events: HistoryEvent[]): number[] {
  const waits: number[] = [];
  let entered: HistoryEvent | undefined;
  let waitsForToken = false;
  for (const event of events) {
    if (event.type?.endsWith('StateEntered')) {
      entered = event;
      waitsForToken = false;
    } else if (event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resource?.endsWith('.waitForTaskToken')) {
      waitsForToken = true;
    } else if (event.type?.endsWith('StateExited') && waitsForToken && entered?.timestamp && event.timestamp) {
      waits.push(event.timestamp.getTime() - entered.timestamp.getTime());
      waitsForToken = false;
    }
  }
  return waits;
}

async function everyExecution(aws: AwsClients, stateMachineArn: string): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws.sfn.send(new ListExecutionsCommand({ stateMachineArn, nextToken }));
    arns.push(...(page.executions ?? []).map((execution) => execution.executionArn!));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

async function historyOf(aws: AwsClients, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws.sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Every token wait of every execution of the namespace's state machines (exercise 8's batch leaves its namespace to look at). */
export async function tokenWaitsIn(endpoint: string, namespace: string): Promise<number[]> {
  const aws = awsClients(endpoint);
  try {
    const waits: number[] = [];
    let nextToken: string | undefined;
    do {
      const page = await aws.sfn.send(new ListStateMachinesCommand({ nextToken }));
      for (const machine of (page.stateMachines ?? []).filter((candidate) => candidate.name?.startsWith(`${namespace}-`))) {
        for (const executionArn of await everyExecution(aws, machine.stateMachineArn!)) waits.push(...tokenWaits(await historyOf(aws, executionArn)));
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return waits;
  } finally {
    destroyClients(aws);
  }
}

/**
 * Exercise 7's callback round on its own: the reference fulfilment workflow, one fragile order at a
 * time put on the bus, the bench as the elf (a long poll, then SendTaskSuccess at once). Reported: the
 * order from the bus to the elf's hands, and the "Quality check" state from entered to exited, as the
 * execution's history has it.
 */
export async function benchCallbackRound(endpoint: string, rounds: number, report: (label: string, value: string) => void): Promise<void> {
  const namespace = newNamespace();
  const aws = awsClients(endpoint, new AwsClock());
  const session = new LearnerSession();
  const where = { endpoint, namespace };
  try {
    const bus = await session.call({ file: exercisePaths(findExercise(1)).solution, exportName: 'deploy', args: [], ...where }, 30_000);
    if (bus.kind !== 'returned') throw new Error(bus.message);
    const deployed = await session.call({ file: exercisePaths(findExercise(7)).solution, exportName: 'deploy', args: [bus.value], ...where }, 30_000);
    if (deployed.kind !== 'returned') throw new Error(deployed.message);
    const { busName } = bus.value as OrdersBus;
    const workflow = deployed.value as QualityCheckedFulfilment;
    const load = loadNow();
    const toElf: number[] = [];
    const waits: number[] = [];
    const seen = new Set<string>();
    for (let round = 0; round < rounds; round++) {
      const order: Order = { orderId: `bench-elf-${round}-${namespace}`, child: 'Bench', gift: 'glass bauble', quantity: 1, list: 'nice', fragile: true };
      const placed = performance.now();
      await aws.eventBridge.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: busName, Source: ORDERS_SOURCE, DetailType: EventTypes.OrderPlaced, Detail: JSON.stringify(order) }],
        }),
      );
      let request: { body: string; receipt: string } | undefined;
      while (!request) {
        if (performance.now() - placed > ROUND_DEADLINE_MS)
          throw new Error(`order ${order.orderId} did not reach the quality-check queue in ${ROUND_DEADLINE_MS / 1000} s`);
        const { Messages = [] } = await aws.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: workflow.qualityCheckQueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }),
        );
        if (Messages[0]) request = { body: Messages[0].Body!, receipt: Messages[0].ReceiptHandle! };
      }
      toElf.push(performance.now() - placed);
      const { taskToken } = JSON.parse(request.body) as { taskToken: string };
      await aws.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ verdict: 'approved' }) }));
      await aws.sqs.send(new DeleteMessageCommand({ QueueUrl: workflow.qualityCheckQueueUrl, ReceiptHandle: request.receipt }));
      // This round's execution: the one ended execution not seen in an earlier round.
      let wait: number | undefined;
      while (wait === undefined) {
        if (performance.now() - placed > ROUND_DEADLINE_MS)
          throw new Error(`the execution of order ${order.orderId} did not end in ${ROUND_DEADLINE_MS / 1000} s`);
        const executions = (await aws.sfn.send(new ListExecutionsCommand({ stateMachineArn: workflow.stateMachineArn }))).executions ?? [];
        const ended = executions.find((execution) => execution.status !== 'RUNNING' && !seen.has(execution.executionArn!));
        if (ended) {
          seen.add(ended.executionArn!);
          wait = tokenWaits(await historyOf(aws, ended.executionArn!))[0];
          if (wait === undefined) throw new Error(`the execution of order ${order.orderId} ended ${ended.status} without waiting for a task token`);
        } else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      waits.push(wait);
    }
    report(
      `callback round (exercise 7), order on the bus -> task token at the elf (median / slowest of ${rounds})`,
      `${secs(median(toElf))} / ${secs(Math.max(...toElf))} [load ${load} → ${loadNow()}]`,
    );
    report(`  "Quality check" entered -> exited, the elf answering at once (median / slowest)`, `${secs(median(waits))} / ${secs(Math.max(...waits))}`);
  } finally {
    await session.close();
    await removeNamespace(aws, namespace);
    destroyClients(aws);
  }
}
