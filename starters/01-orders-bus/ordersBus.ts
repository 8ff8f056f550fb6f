import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { OrdersBus, Order } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

// Exercise 1: the orders bus. Instructions: exercises/01-orders-bus/README.md
// Grade it with `npm run exercise 1`; stuck? `npm run hint 1`.

export async function deploy(np: NorthPole): Promise<OrdersBus> {
  // TODO (Task 1): create the custom event bus np.name('orders').
  const busName = np.name('orders');
  const busArn = '';

  // TODO (Task 2): create the queue np.name('elf-log'), read its ARN, and give it a policy
  // that allows the service events.amazonaws.com to sqs:SendMessage to it.
  const elfLogQueueUrl = '';
  const elfLogQueueArn = '';

  // TODO (Task 3): put a rule np.name('elf-log-observer') on the orders bus whose pattern matches
  // events with source "northpole.orders", and make the elf log queue its target.

  return { busName, busArn, elfLogQueueUrl, elfLogQueueArn };
}

/** The producer: the grader calls this with a test order after deploy(). */
export async function placeOrder(np: NorthPole, bus: OrdersBus, order: Order): Promise<void> {
  // TODO (Task 4): put one event on the orders bus: source "northpole.orders",
  // detail-type "OrderPlaced", and the order as its detail (a JSON string).
}

