import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../aws/clients.ts';
import { queueArn } from '../../aws/arns.ts';
import { Deadline } from './deadline.ts';

export interface BusEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  [field: string]: unknown;
}

/** How long rule-target delivery may take before "it did not arrive" is the verdict, on an idle LocalStack (a Deadline waits longer for a slow one). */
export const DELIVERY_DEADLINE_MS = 10_000;

/** A wait longer than this says what it waits for, so that a slow grade does not look like a hang. */
const QUIET_WAIT_MS = 2_000;

/** What a wait is for, in words for the learner ("the order in the elf log"), and where to say it. */
export interface Waiting {
  what: string;
  say: (line: string) => void;
}

/**
 * Receives from a queue until a message satisfies `matches` or the deadline passes. Every message
 * seen is kept in `seen`, so a grader can also say what did arrive. Long polls, never fixed sleeps.
 * A grader that names the wait in its message passes a Deadline and reads its within() afterwards.
 */
export async function receiveUntil<T>(
  aws: AwsClients,
  queueUrl: string,
  parse: (message: Message) => T | undefined,
  matches: (item: T) => boolean,
  seen: T[],
  deadline: number | Deadline = DELIVERY_DEADLINE_MS,
  waiting?: Waiting,
): Promise<T | undefined> {
  const already = seen.find(matches);
  if (already) return already;
  const wait = Deadline.of(deadline);
  const quiet = waiting && setTimeout(() => waiting.say(`Waiting up to ${Math.round(wait.askedMs / 1000)} s for ${waiting.what}…`), QUIET_WAIT_MS);
  try {
    while (!wait.passed()) {
      await take(aws, queueUrl, parse, seen, wait);
      const found = seen.find(matches);
      if (found) return found;
    }
    return undefined;
  } finally {
    clearTimeout(quiet);
  }
}

export function parseEvent(message: Message): BusEvent | undefined {
  try {
    const body = JSON.parse(message.Body ?? '') as BusEvent;
    return typeof body === 'object' && body && 'detail-type' in body ? body : undefined;
  } catch {
    return undefined;
  }
}

/** A queue of the kit's own that receives every event on a bus: the grader's window onto it. */
export class BusObserver {
  readonly seen: BusEvent[] = [];

  constructor(
    private readonly aws: AwsClients,
    readonly busName: string,
    readonly queueUrl: string,
    private readonly say: (line: string) => void = () => {},
  ) {}

  /** `what` names the awaited event for the learner, e.g. "the order on the orders bus". */
  waitFor(
    matches: (event: BusEvent) => boolean,
    deadline: number | Deadline = DELIVERY_DEADLINE_MS,
    what = `the event on ${this.busName}`,
  ): Promise<BusEvent | undefined> {
    return receiveUntil(this.aws, this.queueUrl, parseEvent, matches, this.seen, deadline, { what, say: this.say });
  }
}

export class Observers {
  private readonly buses = new Map<string, Promise<BusObserver>>();

  constructor(
    private readonly aws: AwsClients,
    private readonly namespace: string,
    private readonly say: (line: string) => void = () => {},
  ) {}

  /**
   * A catch-all rule on the bus with a queue behind it, made once per bus and run: a grader makes it
   * in prepare(), before the learner's code runs, and its checks get the same one later.
   */
  bus(busName: string): Promise<BusObserver> {
    let observer = this.buses.get(busName);
    if (!observer) this.buses.set(busName, (observer = this.watch(busName)));
    return observer;
  }

  private async watch(busName: string): Promise<BusObserver> {
    const name = `${this.namespace}-observer-${busName.replace(`${this.namespace}-`, '')}`.slice(0, 64);
    const arn = queueArn(name);
    const { QueueUrl } = await this.aws.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { Policy: sqsPolicyForEventBridge(arn) } }));
    await this.aws.eventBridge.send(new PutRuleCommand({ Name: name, EventBusName: busName, EventPattern: JSON.stringify({ source: [{ prefix: '' }] }) }));
    await this.aws.eventBridge.send(new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: [{ Id: 'observer', Arn: arn }] }));
    return new BusObserver(this.aws, busName, QueueUrl!, this.say);
  }
}

/**
 * Receives from a queue until `done(seen)` holds or the deadline passes, keeping every message seen;
 * for a check that waits for several messages at once (a batch of orders). True when done.
 */
export async function receiveUntilAll<T>(
  aws: AwsClients,
  queueUrl: string,
  parse: (message: Message) => T | undefined,
  done: (seen: T[]) => boolean,
  seen: T[],
  deadline: number | Deadline = DELIVERY_DEADLINE_MS,
): Promise<boolean> {
  const wait = Deadline.of(deadline);
  while (!done(seen)) {
    if (wait.passed()) return false;
    await take(aws, queueUrl, parse, seen, wait);
  }
  return true;
}

/** Takes every message the queue holds now, without waiting for more: "and nothing else arrived". */
export async function receiveWaiting<T>(aws: AwsClients, queueUrl: string, parse: (message: Message) => T | undefined, seen: T[]): Promise<void> {
  while ((await take(aws, queueUrl, parse, seen)) > 0);
}

/**
 * One receive of up to ten messages, deleted once taken; returns how many there were. Within a wait
 * it long-polls for up to a second of what is left, timed by the wait's Deadline; without one, it does not wait.
 */
async function take<T>(aws: AwsClients, queueUrl: string, parse: (message: Message) => T | undefined, seen: T[], wait?: Deadline): Promise<number> {
  const waitSeconds = wait ? Math.min(1, Math.floor(wait.remainingMs() / 1000)) : 0;
  const receive = () =>
    aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds, MessageAttributeNames: ['All'] }));
  const { Messages = [] } = await (wait ? wait.call(receive, waitSeconds * 1000) : receive());
  if (Messages.length > 0) {
    await aws.sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })) }),
    );
  }
  for (const message of Messages) {
    const item = parse(message);
    if (item !== undefined) seen.push(item);
  }
  return Messages.length;
}

export function sqsPolicyForEventBridge(queueArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn }],
  });
}

/** Asks `look` every 100 ms until it finds something or the deadline passes: for what has no queue to long-poll. */
export async function pollUntil<T>(deadline: number | Deadline, look: () => Promise<T | undefined>): Promise<T | undefined> {
  const wait = Deadline.of(deadline);
  for (;;) {
    const found = await wait.call(look);
    if (found !== undefined || wait.passed()) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
