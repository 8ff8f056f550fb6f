import type { ChristmasEve, FulfilmentWorkflow, OrdersBus, OutageWindow, Recovery } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

// Exercise 8: Christmas Eve. Instructions: exercises/08-christmas-eve/README.md
// Grade it with `npm run exercise 8`; stuck? `npm run hint 8`.
// For tasks 1 to 4 the kit deploys the reference orders bus (exercise 1) and the final fulfilment
// workflow (exercise 7: exercise 6's hardened machine with the quality check) first and passes them in.
// Task 5 deploys your own earlier exercises instead.

// TODO (Task 5): nothing new to write in this file. Task 5 deploys your own files of the earlier
// exercises beside this one and sends a batch of orders through them: get each earlier exercise to
// pass first (`npm run progress` shows which do).

export async function deploy(np: NorthPole, ordersBus: OrdersBus, fulfilment: FulfilmentWorkflow): Promise<ChristmasEve> {
  // TODO (Task 1): create the archive np.name('orders-archive') on the orders bus (ordersBus.busArn),
  // with an event pattern that keeps OrderPlaced events from ORDERS_SOURCE and nothing else.
  const archiveName = np.name('orders-archive');
  const archiveArn = '';

  // TODO (Task 2): create the queue np.name('letters') that EventBridge may send to, and the rule
  // np.name('letters') on the orders bus that sends it each OrderPlaced event, but never a replayed one.
  const lettersRuleName = np.name('letters');
  const lettersQueueUrl = '';
  const lettersQueueArn = '';

  // TODO (Task 3): find the ARN of the rule that starts fulfilment (fulfilment.ruleName on the orders
  // bus): recover() aims its replay at that rule.
  const fulfilmentRuleArn = '';

  return { archiveName, archiveArn, busArn: ordersBus.busArn, fulfilmentRuleArn, lettersRuleName, lettersQueueUrl, lettersQueueArn };
}

export async function recover(np: NorthPole, christmasEve: ChristmasEve, window: OutageWindow): Promise<Recovery> {
  // TODO (Task 3): start a replay from the archive of exactly the outage (window.start to window.end),
  // back to the orders bus and aimed at the fulfilment rule only (Destination.FilterArns).
  const replayName = np.name('outage');

  // TODO (Task 4): wait until DescribeReplay says COMPLETED (a short pause between calls, a deadline,
  // FAILED and CANCELLED are errors), then return the replay's name and its last state.
  return { replayName, state: 'NOT STARTED' };
}
