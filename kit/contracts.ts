/**
 * The contracts of the track: the events on the orders bus, the order they carry, and what each
 * step leaves behind for the steps after it. Starters, reference solutions and graders import them
 * from here, so that go-to-definition in an editor never opens a reference solution, and a step's
 * grader can deploy the steps before it from whatever pieces satisfy these shapes.
 */

/** Who puts order events on the bus: the producer of exercise 1, the API of exercise 2 and the letter reader of exercise 9. */
export const ORDERS_SOURCE = 'northpole.orders';
/** Who puts fulfilment events on the bus: the fulfilment workflow of exercise 4. */
export const FULFILMENT_SOURCE = 'northpole.fulfilment';

/** The detail-types of the events the track puts on the orders bus. */
export const EventTypes = {
  /** A child's order was accepted: detail is an Order. */
  OrderPlaced: 'OrderPlaced',
  /** The workshop finished an order: detail is a FulfilledOrder. */
  OrderFulfilled: 'OrderFulfilled',
  /** An order could not be fulfilled even after retries: detail is a FailedOrder. */
  OrderFailed: 'OrderFailed',
} as const;

/** The regions Santa's sleighs serve. */
export const REGIONS = ['north-america', 'south-america', 'europe', 'africa', 'asia', 'oceania'] as const;
export type Region = (typeof REGIONS)[number];

/** An order as children (and their parents) send it to the North Pole. */
export interface Order {
  orderId: string;
  child: string;
  gift: string;
  quantity: number;
  /** "nice" or "naughty", as Santa's list says; orders of unknown children carry neither. */
  list?: 'nice' | 'naughty';
  /** The catalogue number: toys are "TOY-…", books "BOOK-…", sweets "SWEET-…". */
  sku?: string;
  /** Weight in kilograms of one gift; sleighs have limits. */
  weightKg?: number;
  region?: Region;
  /** Present when the gift is to be wrapped, e.g. { "paper": "candy-stripe" }. */
  giftWrap?: { paper: string };
  /** Needed before Christmas Eve at any cost. */
  express?: boolean;
  /** Glass baubles and the like: an elf looks at the gift before it ships (exercise 7). */
  fragile?: boolean;
}

/** The detail of an OrderFulfilled event. */
export interface FulfilledOrder extends Order {
  /** "shipped" for gifts, "coal" for the naughty list. */
  outcome: 'shipped' | 'coal';
  fulfilledAt: string;
}

/** The detail of an OrderFailed event. */
export interface FailedOrder {
  order: Order;
  error: { Error: string; Cause?: string };
}

// What each step leaves behind. A step's deploy() receives the contracts of the steps it builds on
// (track.json's buildsOn, in that order) after `np`, and returns its own.

/** Exercise 1: the orders bus and the elf log behind it. */
export interface OrdersBus {
  busName: string;
  busArn: string;
  elfLogQueueUrl: string;
  elfLogQueueArn: string;
}

/** Exercise 2: the REST API that turns POST /orders into OrderPlaced events. */
export interface OrdersApi {
  restApiId: string;
  stageName: string;
  roleArn: string;
}

/** One consumer of orders: a queue, and the rule on the orders bus that feeds it the orders it cares about. */
export interface Department {
  ruleName: string;
  queueUrl: string;
  queueArn: string;
}

/** Exercise 3: the departments that receive orders by their content, each through its own rule. */
export interface OrderRouting {
  toyWorkshop: Department;
  coalDepot: Department;
  heavyLift: Department;
  giftWrap: Department;
  expressDesk: Department;
}

/** Exercise 4: the fulfilment state machine, what it writes to, and the rule that starts it. */
export interface FulfilmentWorkflow {
  stateMachineArn: string;
  /** Orders by orderId, with their status, outcome and timestamps. */
  ordersTableName: string;
  /** Where the machine sends the orders of good children for the elves to make. */
  workshopQueueUrl: string;
  workshopQueueArn: string;
  /** The role the machine runs as. */
  machineRoleArn: string;
  /** The rule on the orders bus that starts the machine for each OrderPlaced. */
  ruleName: string;
  /** The role EventBridge assumes to start executions. */
  startRoleArn: string;
}

/**
 * Exercise 6: the fulfilment workflow made to survive failures: Retry and Catch on the workshop
 * task, a conditional put that makes a duplicate OrderPlaced a no-op, and a dead-letter queue
 * behind the workshop queue. Exercise 6 owns the fulfilment machine from here on (its
 * fulfilment.asl.json); a later step that reshapes the machine starts from exercise 6's reference.
 */
export interface HardenedFulfilment extends FulfilmentWorkflow {
  /** Where the machine parks an order it could not send to the workshop, with the error. */
  attentionQueueUrl: string;
  attentionQueueArn: string;
  /** Where the workshop queue moves a message the elves received too often without deleting it. */
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

/** One consumer of the sleigh-dispatch topic: a queue, and its subscription to the topic. */
export interface DispatchQueue {
  queueUrl: string;
  queueArn: string;
  subscriptionArn: string;
}

/** Exercise 5: the topic that fans every fulfilled order out to the sleighs and teams that want it. */
export interface SleighDispatch {
  topicArn: string;
  /** The rule on the orders bus that sends every OrderFulfilled to the topic. */
  ruleName: string;
  queues: {
    europeSleigh: DispatchQueue;
    northAmericaSleigh: DispatchQueue;
    heavyLiftSleigh: DispatchQueue;
    reindeerStables: DispatchQueue;
    audit: DispatchQueue;
  };
}

/** A delay notice the dispatchers publish to the sleigh-dispatch topic: plain text, described by message attributes. */
export interface DelayNotice {
  region: Region;
  /** How late the sleighs of that region are. */
  minutes: number;
  /** The notice as people read it, e.g. "Fog over the Alps: the European sleigh leaves 45 minutes late". */
  text: string;
}

/**
 * Exercise 7: the hardened fulfilment workflow with an elf's quality check for fragile gifts: the
 * machine sends each one to the quality-check queue with a task token and waits for an elf's
 * answer. Exercise 7 owns the final fulfilment machine of the track (its fulfilment.asl.json is
 * exercise 6's with the quality check added); a later step that needs the machine deploys this one.
 */
export interface QualityCheckedFulfilment extends HardenedFulfilment {
  /** Where the machine asks the elves to look at a fragile gift: each message is a QualityCheckRequest. */
  qualityCheckQueueUrl: string;
  qualityCheckQueueArn: string;
}

/** The message on the quality-check queue: the token that answers the waiting task, and the order. */
export interface QualityCheckRequest {
  taskToken: string;
  order: Order;
}

/** What an elf found when looking at one gift: approved, or rejected with the reason. */
export type Inspection = { verdict: 'approved' } | { verdict: 'rejected'; reason: string };

/** The error an elf answers a rejected gift with (SendTaskFailure), which the machine catches to remake it. */
export const QUALITY_REJECTED = 'QualityCheck.Rejected';

/**
 * Exercise 8: what Christmas Eve adds to the bus: an archive of every order placed, letters to the
 * children, and what recovery after an outage needs to aim a replay.
 */
export interface ChristmasEve {
  /** The archive of OrderPlaced events from the orders source, and nothing else. */
  archiveName: string;
  archiveArn: string;
  /** Where a replay goes: the orders bus, and the one rule on it that should see replayed orders. */
  busArn: string;
  fulfilmentRuleArn: string;
  /** A letter to each child whose order was placed; a replayed order must not send a second one. */
  lettersRuleName: string;
  lettersQueueUrl: string;
  lettersQueueArn: string;
}

/** The time an outage lasted, as ISO 8601 strings: the orders placed in between were missed. */
export interface OutageWindow {
  start: string;
  end: string;
}

/** What recover() reports: the replay it started, and the state DescribeReplay gave it last. */
export interface Recovery {
  replayName: string;
  state: string;
}

/**
 * A child's letter to Santa, as a JSON object in the letters bucket (`letters/<child>.json`). What Santa
 * needs for an order is the child, the gift and how many; the rest (where the child lives, what they
 * wrote) stays in the letter.
 */
export interface Letter {
  child: string;
  gift: string;
  quantity: number;
  address?: string;
  message?: string;
}

/** The longest letter Santa reads, in bytes: a longer one goes to the elves unread. */
export const LONGEST_LETTER = 10_240;

/** What the letter reader sends the elves for a letter it cannot turn into an order: where the letter is. */
export interface UnreadableLetter {
  bucket: string;
  key: string;
}

/**
 * The order tracker children watch their orders on, as the kit runs it: the address EventBridge posts
 * each update to, and the API key the tracker wants in a header. deploy() receives it after the contracts.
 */
export interface TrackerEndpoint {
  /** e.g. http://127.0.0.1:45123/updates: POST one TrackerUpdate as JSON. */
  updatesUrl: string;
  /** The header that carries the key, e.g. x-tracker-key. */
  apiKeyName: string;
  apiKey: string;
}

/** The most updates a second the tracker takes: the API destination's InvocationRateLimitPerSecond. */
export const TRACKER_UPDATES_PER_SECOND = 10;

/** One status change of one order, as the tracker takes it: what a child may see, and nothing else. */
export interface TrackerUpdate {
  orderId: string;
  /** The event that changed the order's status. */
  status: typeof EventTypes.OrderPlaced | typeof EventTypes.OrderFulfilled | typeof EventTypes.OrderFailed;
  /** When it happened: the event's time. */
  time: string;
}

/**
 * Exercise 9: letters in an S3 bucket become orders (a second producer of OrderPlaced), and every
 * order's status changes reach the tracker through an EventBridge API destination.
 */
export interface LettersToSanta {
  bucketName: string;
  /** The state machine that reads each letter and places its order, or hands it to the elves. */
  letterReaderArn: string;
  /** Where letters the reader cannot turn into orders wait for an elf: each message an UnreadableLetter. */
  unreadableQueueUrl: string;
  unreadableQueueArn: string;
  /** The rule on the default bus that starts the reader for each new letter. */
  lettersRuleName: string;
  connectionArn: string;
  apiDestinationArn: string;
  /** The rule on the orders bus that sends OrderPlaced and OrderFulfilled to the tracker. */
  trackerOrdersRuleName: string;
  /** The rule that sends OrderFailed, whose order is one level deeper (detail.order). */
  trackerFailuresRuleName: string;
}

/**
 * The outputs of exercise 10's stack, by their keys: each the contract of the step whose pieces it
 * rebuilds, as JSON (`this.toJsonString(ordersBus)`), so that the graders find the stack's resources;
 * and the address the children's front end sends orders to.
 */
export interface NorthPoleOutputs {
  OrdersBus: OrdersBus;
  OrdersApi: OrdersApi;
  OrderRouting: OrderRouting;
  FulfilmentWorkflow: FulfilmentWorkflow;
  SleighDispatch: SleighDispatch;
  /** POST /orders as AWS addresses it, `https://<api>.execute-api.<region>.amazonaws.com/<stage>/orders`: `api.urlForPath('/orders')`. */
  OrdersUrl: string;
}

/** Exercise 10: the North Pole as one CloudFormation stack, created from the learner's CDK app. */
export interface NorthPoleAsCode {
  stackName: string;
  /** The stack's outputs as CloudFormation gave them back, each parsed from JSON where it is JSON. */
  outputs: Record<string, unknown>;
}

/**
 * What each step's deploy() returns, by exercise number: what later steps receive, and what graders
 * read of an earlier step (`context.contract(1)`) and of their own (`deployedValue(context)`).
 */
export interface StepContracts {
  1: OrdersBus;
  2: OrdersApi;
  3: OrderRouting;
  4: FulfilmentWorkflow;
  5: SleighDispatch;
  6: HardenedFulfilment;
  7: QualityCheckedFulfilment;
  8: ChristmasEve;
  9: LettersToSanta;
  10: NorthPoleAsCode;
}

export type Step = keyof StepContracts;
