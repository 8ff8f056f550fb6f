import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../aws/clients.ts';
import type { Order } from '../../contracts.ts';
import { Deadline } from './deadline.ts';
import type { DeployedStep, OrderSink } from './grader.ts';
import { firstMisdelivery, type Wanted } from './routing.ts';

/** How many requests the batch has in flight at once: a busy evening, not a flood LocalStack chokes on. */
export const BATCH_CONCURRENCY = 8;
/**
 * How long one request may take before the batch counts it as unanswered. A request is never sent
 * twice (a retry of one that was accepted late would be a duplicate order), so the deadline allows
 * for a LocalStack busy with other work on a small machine, where an answer can take 20 s and more.
 */
const REQUEST_DEADLINE_MS = 60_000;
/** How long the orders of a batch may take to reach every queue they should: a deadline, waited out only when one is missing. */
export const BATCH_DEADLINE_MS = 90_000;

/** One request of a batch: what was sent to POST /orders, and what API Gateway answered. */
export interface Placement {
  body: Record<string, unknown>;
  /** Why this request is in the batch: "good", "bad", "duplicate", "outage", ... */
  kind: string;
  status?: number;
  error?: string;
  sentAt: number;
  answeredAt?: number;
}

/** Sends every body to the URL, at most `concurrency` requests at a time, each with a deadline. */
export async function placeOrders(
  url: string,
  requests: { body: Record<string, unknown>; kind: string }[],
  concurrency = BATCH_CONCURRENCY,
): Promise<Placement[]> {
  const placements: Placement[] = requests.map((request) => ({ ...request, sentAt: 0 }));
  let next = 0;
  const send = async (placement: Placement) => {
    placement.sentAt = Date.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(placement.body),
        signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
      });
      await response.arrayBuffer();
      placement.status = response.status;
    } catch (error) {
      placement.error = (error as Error).message;
    }
    placement.answeredAt = Date.now();
  };
  const worker = async () => {
    while (next < placements.length) await send(placements[next++]!);
  };
  // A fresh stage answers its first request slowly on LocalStack (seconds, while it loads the API):
  // one request alone first, so the others do not all wait behind it and time out.
  if (placements.length > 0) {
    next = 1;
    await send(placements[0]!);
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, placements.length) }, worker));
  return placements;
}

/** A message that reached a sink: the order it carries and when SQS took it in. */
export interface Arrival {
  orderId: string;
  sentTimestamp: number;
}

/**
 * The orderId a message body carries: an order, a whole event with the order in detail, { order, error },
 * or any of these in the Message of an SNS envelope (a subscription without raw message delivery).
 */
export function orderIdIn(body: string | undefined): string | undefined {
  try {
    const value = JSON.parse(body ?? '') as {
      orderId?: unknown;
      detail?: { orderId?: unknown };
      order?: { orderId?: unknown };
      Type?: unknown;
      Message?: unknown;
    } | null;
    if (value?.Type === 'Notification' && typeof value.Message === 'string') return orderIdIn(value.Message);
    const orderId = value?.orderId ?? value?.detail?.orderId ?? value?.order?.orderId;
    return typeof orderId === 'string' ? orderId : undefined;
  } catch {
    return undefined;
  }
}

/** One sink of one step and every message it held during the batch. */
export interface Tally {
  step: DeployedStep;
  sink: OrderSink;
  arrivals: Arrival[];
  /** Messages that carried no order the kit could read. */
  unreadable: number;
}

/** An order the batch placed and API Gateway accepted, with how often, and whether a replay may have repeated it. */
export interface AcceptedOrder {
  order: Order;
  /** Accepted OrderPlaced events for this orderId (2 for a duplicate). */
  events: number;
  /** When the first request for it was sent. */
  sentAt: number;
  /** How often an elf rejected its gift during the batch, so that it was made again. */
  remakes: number;
}

/**
 * LocalStack 4.13.1 ignores a replay's FilterArns (every matching rule on the bus receives replayed
 * events) and replays whole minutes of event time, which under load lags the API request by as much.
 * A plain rule that does not exclude replays may so hold one more copy of each accepted OrderPlaced
 * event (a duplicate placed twice in the replayed minute comes back twice); on AWS it would hold none.
 */
const REPLAYS_REACH_EVERY_RULE = true;

export function expectation(sink: OrderSink, accepted: AcceptedOrder): Wanted {
  if (!sink.receives(accepted.order)) return { min: 0, max: 0 };
  if (sink.delivery === 'once') return { min: 1, max: 1 };
  if (sink.delivery === 'every-make') return { min: 1 + accepted.remakes, max: 1 + accepted.remakes };
  const replayed = REPLAYS_REACH_EVERY_RULE && !sink.excludesReplays ? accepted.events : 0;
  return { min: accepted.events, max: accepted.events + replayed };
}

/**
 * Receives from every sink of every step until each holds at least what it should, or its
 * deadline passes (later when LocalStack answers slowly); then takes once more what is waiting, so that a late duplicate is counted too.
 */
export async function drainSinks(
  aws: AwsClients,
  steps: DeployedStep[],
  accepted: Map<string, AcceptedOrder>,
  deadlineMs = BATCH_DEADLINE_MS,
): Promise<Tally[]> {
  const tallies: Tally[] = steps.flatMap((step) => step.sinks.map((sink) => ({ step, sink, arrivals: [], unreadable: 0 })));
  const satisfied = (tally: Tally) => {
    const counts = countByOrder(tally);
    return [...accepted.values()].every((order) => (counts.get(order.order.orderId) ?? 0) >= expectation(tally.sink, order).min);
  };
  await Promise.all(
    tallies.map(async (tally) => {
      const wait = new Deadline(deadlineMs);
      while (!satisfied(tally) && !wait.passed()) await wait.call(() => take(aws, tally, 1), 1_000);
    }),
  );
  await Promise.all(tallies.map(async (tally) => void (await take(aws, tally, 1))));
  return tallies;
}

export function countByOrder(tally: Tally): Map<string, number> {
  const counts = new Map<string, number>();
  for (const arrival of tally.arrivals) counts.set(arrival.orderId, (counts.get(arrival.orderId) ?? 0) + 1);
  return counts;
}

/** The first accepted order a sink holds fewer or more times than its step says it should. */
export function misdeliveryIn(tally: Tally, accepted: Map<string, AcceptedOrder>) {
  const counts = countByOrder(tally);
  return firstMisdelivery({
    ids: accepted.keys(),
    queues: [tally],
    wanted: (id) => expectation(tally.sink, accepted.get(id)!),
    count: (id) => counts.get(id) ?? 0,
  });
}

async function take(aws: AwsClients, tally: Tally, waitSeconds: number): Promise<void> {
  const { Messages = [] } = await aws.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: tally.sink.queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ['SentTimestamp'],
    }),
  );
  if (Messages.length === 0) return;
  await aws.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: tally.sink.queueUrl,
      Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
    }),
  );
  for (const message of Messages) {
    const orderId = orderIdIn(message.Body);
    if (orderId) tally.arrivals.push({ orderId, sentTimestamp: Number(message.Attributes?.SentTimestamp ?? Date.now()) });
    else tally.unreadable += 1;
  }
}

/** The value below which `fraction` of the values lie (nearest rank). */
export function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/**
 * From the API request to the last queue the order reached (its first message in each), per order:
 * what a child waits before every department that cares has the order.
 */
export function latencies(tallies: Tally[], orders: AcceptedOrder[]): number[] {
  const reached = new Map<string, number>();
  for (const tally of tallies) {
    const firstAt = new Map<string, number>();
    for (const arrival of tally.arrivals) firstAt.set(arrival.orderId, Math.min(firstAt.get(arrival.orderId) ?? Infinity, arrival.sentTimestamp));
    for (const [orderId, at] of firstAt) reached.set(orderId, Math.max(reached.get(orderId) ?? 0, at));
  }
  return orders.filter((order) => reached.has(order.order.orderId)).map((order) => Math.max(0, reached.get(order.order.orderId)! - order.sentAt));
}
