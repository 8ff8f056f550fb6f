import type { Message } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../aws/clients.ts';
import { Deadline } from './deadline.ts';
import { DELIVERY_DEADLINE_MS, receiveUntilAll, receiveWaiting } from './observe.ts';

// "Each order in exactly these queues, as often as it should be": the check of every step that routes
// orders (rules between departments, SNS filter policies, the whole system's batch).

/** How often an order should be in a queue: once, never, or a range (a gift remade, a replay). */
export interface Wanted {
  min: number;
  max: number;
}

export const ONCE: Wanted = { min: 1, max: 1 };
export const NEVER: Wanted = { min: 0, max: 0 };

/** An order found in a queue other than as often as it should be. */
export interface Misdelivery<Q> {
  id: string;
  queue: Q;
  got: number;
  wanted: Wanted;
}

/** A count in words: "not at all", "once", "3 times". */
export const times = (count: number) => (count === 0 ? 'not at all' : count === 1 ? 'once' : `${count} times`);

/** What `wanted` asks in words: "never", "once", "once or twice". */
export const howOften = (wanted: Wanted) =>
  wanted.max === 0 ? 'never' : wanted.min === wanted.max ? times(wanted.min) : `${times(wanted.min)} or ${times(wanted.max)}`;

/**
 * The first order held by a queue other than as often as `wanted` says: order by order, each through
 * every queue, or queue by queue (`queueFirst`), in the order given.
 */
export function firstMisdelivery<Q>(check: {
  ids: Iterable<string>;
  queues: Iterable<Q>;
  wanted: (id: string, queue: Q) => Wanted;
  count: (id: string, queue: Q) => number;
  queueFirst?: boolean;
}): Misdelivery<Q> | undefined {
  const ids = [...check.ids];
  const queues = [...check.queues];
  const pairs = check.queueFirst
    ? queues.flatMap((queue) => ids.map((id) => [id, queue] as const))
    : ids.flatMap((id) => queues.map((queue) => [id, queue] as const));
  for (const [id, queue] of pairs) {
    const wanted = check.wanted(id, queue);
    const got = check.count(id, queue);
    if (got < wanted.min || got > wanted.max) return { id, queue, got, wanted };
  }
  return undefined;
}

/**
 * Receives from each queue until it holds every order expected there (or the deadline passes), then
 * once more without waiting, to see what arrived that should not have: no fixed sleep. Keeps only the
 * deliveries of `ours`. Each queue's wait, as it happened, goes into `waits` for the messages.
 */
export async function collectDeliveries<Q, D>(
  aws: AwsClients,
  queues: Map<Q, string>,
  parse: (message: Message) => D | undefined,
  idOf: (delivery: D) => string | undefined,
  expected: (queue: Q) => string[],
  ours: Set<string>,
  waits = new Map<Q, Deadline>(),
): Promise<Map<Q, D[]>> {
  const received = new Map<Q, D[]>([...queues.keys()].map((queue) => [queue, []]));
  await Promise.all(
    [...queues].map(([queue, url]) => {
      const wanted = expected(queue);
      const wait = new Deadline(DELIVERY_DEADLINE_MS);
      waits.set(queue, wait);
      return receiveUntilAll(aws, url, parse, (got) => wanted.every((id) => got.some((delivery) => idOf(delivery) === id)), received.get(queue)!, wait);
    }),
  );
  await Promise.all([...queues].map(([queue, url]) => receiveWaiting(aws, url, parse, received.get(queue)!)));
  for (const [queue, seen] of received)
    received.set(
      queue,
      seen.filter((delivery) => ours.has(idOf(delivery) ?? '')),
    );
  return received;
}

/** How many of `deliveries` carry the order `id`. */
export const countOf = <D>(deliveries: D[] | undefined, idOf: (delivery: D) => string | undefined, id: string) =>
  (deliveries ?? []).filter((delivery) => idOf(delivery) === id).length;
