import { readFile } from 'node:fs/promises';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { EventTypes, ORDERS_SOURCE, type FulfilmentWorkflow, type OrdersBus } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

// Exercise 4: the fulfilment workflow. Instructions: exercises/04-fulfilment-workflow/README.md
// Grade it with `npm run exercise 4`; stuck? `npm run hint 4`.
// You edit two files: this one, and the state machine beside it, fulfilment.asl.json.
// The kit deploys the reference orders bus of exercise 1 first and passes it in as ordersBus.

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<FulfilmentWorkflow> {
  // TODO (Task 1): create the DynamoDB table np.name('orders'), keyed by orderId (a string), and
  // the SQS queue np.name('workshop'). Keep the table's ARN and the queue's URL and ARN.
  const ordersTableName = np.name('orders');
  const workshopQueueUrl = '';
  const workshopQueueArn = '';

  // TODO (Task 2): create the role np.name('fulfilment') that states.amazonaws.com may assume, with
  // an inline policy that allows dynamodb:PutItem on the table, sqs:SendMessage on the queue and
  // events:PutEvents on ordersBus.busArn: each action on its one resource.
  const machineRoleArn = '';

  // TODO (Task 3): write the machine in fulfilment.asl.json. Here, fill in its placeholders
  // ("${OrdersTable}", "${WorkshopQueueUrl}", "${OrdersBus}") and create the state machine
  // np.name('fulfilment') from it, running as the role of task 2.
  const template = await readFile(new URL('./fulfilment.asl.json', import.meta.url), 'utf8');
  const stateMachineArn = '';

  // TODO (Task 4): create the role np.name('fulfilment-start') that events.amazonaws.com may assume,
  // allowed states:StartExecution on this machine only; then the rule np.name('start-fulfilment') on
  // the orders bus for OrderPlaced events from ORDERS_SOURCE, with the machine as its target.
  const ruleName = np.name('start-fulfilment');
  const startRoleArn = '';

  // TODO (Task 5): return what later steps build on (see FulfilmentWorkflow in kit/contracts.ts),
  // then let real orders through: the grader follows a nice and a naughty one.
  return { stateMachineArn, ordersTableName, workshopQueueUrl, workshopQueueArn, machineRoleArn, ruleName, startRoleArn };
}
