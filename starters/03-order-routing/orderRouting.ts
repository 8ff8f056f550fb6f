import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { EventTypes, ORDERS_SOURCE, type Department, type OrderRouting, type OrdersBus } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

// Exercise 3: routing by content. Instructions: exercises/03-order-routing/README.md
// Grade it with `npm run exercise 3`; stuck? `npm run hint 3`.
// The kit deploys the reference orders bus of exercise 1 first and passes it in as ordersBus.

/** A department: its queue np.name(base), and the rule of the same name that will feed it. */
async function departmentQueue(np: NorthPole, ordersBus: OrdersBus, base: string): Promise<Department> {
  const ruleName = np.name(base);
  // TODO (Task 1): create the queue np.name(base) with a policy that allows the service
  // events.amazonaws.com to sqs:SendMessage to it, and return its URL and ARN.
  const queueUrl = '';
  const queueArn = '';
  return { ruleName, queueUrl, queueArn };
}

/** Puts the department's rule on the orders bus: order events whose detail matches `detail`. */
async function route(np: NorthPole, ordersBus: OrdersBus, department: Department, detail: Record<string, unknown>): Promise<void> {
  // TODO (Task 2): put the rule department.ruleName on the orders bus. Its pattern takes only
  // OrderPlaced events (EventTypes.OrderPlaced) from the orders producer (ORDERS_SOURCE), and
  // `detail` decides which of them. Make the department's queue the rule's target.
  // TODO (Task 5): deliver the order itself, the event's detail, rather than the whole event.
}

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<OrderRouting> {
  const [toyWorkshop, coalDepot, heavyLift, giftWrap, expressDesk] = await Promise.all(
    ['toy-workshop', 'coal-depot', 'heavy-lift', 'gift-wrap', 'express-desk'].map((base) => departmentQueue(np, ordersBus, base)),
  );

  // TODO (Task 2): the toy workshop takes toys (an sku starting with "TOY-") for children on the nice list.
  await route(np, ordersBus, toyWorkshop, {});

  // TODO (Task 3): the coal depot takes the orders of every child whose list is anything but "nice";
  // the heavy-lift team takes gifts heavier than 20 kg (weightKg; exactly 20 is not heavy).

  // TODO (Task 4): gift wrap takes every order with gift-wrap paper (giftWrap.paper); the express
  // desk takes every order that is express, or for 10 or more gifts (quantity).

  return { toyWorkshop, coalDepot, heavyLift, giftWrap, expressDesk };
}

/** Called by the grader once the five departments above are running. */
export async function addDepartment(np: NorthPole, ordersBus: OrdersBus): Promise<Department> {
  // TODO (Task 6): open the library (np.name('library')) for every book (an sku starting with
  // "BOOK-"), without touching the rules that are already there.
  return departmentQueue(np, ordersBus, 'library');
}
