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
// You edit two files: this one, and the state machine beside it, fulfilment.asl.json (Tasks 2 and 4).
// The kit deploys the reference orders bus of exercise 1 first and passes it in as ordersBus.
// The table, the queue, the roles' trust policies and the placeholders are handed over: they are not the lesson.

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<FulfilmentWorkflow> {
  // Handed over: the orders table, keyed by orderId, and the workshop queue the elves take toys from
  const ordersTableName = np.name('orders');
  const { TableDescription } = await np.dynamoDb.send(
    new CreateTableCommand({
      TableName: ordersTableName,
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const ordersTableArn = TableDescription!.TableArn!;
  const { QueueUrl: workshopQueueUrl } = await np.sqs.send(new CreateQueueCommand({ QueueName: np.name('workshop') }));
  const { Attributes } = await np.sqs.send(new GetQueueAttributesCommand({ QueueUrl: workshopQueueUrl, AttributeNames: ['QueueArn'] }));
  const workshopQueueArn = Attributes!.QueueArn!;

  // Handed over: the two roles and their trust policies, who may assume each; what each may do is the lesson
  const machineRoleName = np.name('fulfilment');
  const { Role: machineRole } = await np.iam.send(
    new CreateRoleCommand({
      RoleName: machineRoleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const startRoleName = np.name('fulfilment-start');
  const { Role: startRole } = await np.iam.send(
    new CreateRoleCommand({
      RoleName: startRoleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );

  // TODO (Task 1): give the machine's role (machineRoleName) an inline policy with PutRolePolicyCommand
  // that allows what its tasks do, each action on its one resource: dynamodb:PutItem on ordersTableArn,
  // sqs:SendMessage on workshopQueueArn and events:PutEvents on ordersBus.busArn.

  // Handed over: the ASL file beside this one, its placeholders filled in as CloudFormation's DefinitionSubstitutions would
  const template = await readFile(new URL('./fulfilment.asl.json', import.meta.url), 'utf8');
  const substitutions: Record<string, string> = { OrdersTable: ordersTableName, WorkshopQueueUrl: workshopQueueUrl!, OrdersBus: ordersBus.busName };
  const definition = Object.entries(substitutions).reduce((text, [placeholder, value]) => text.replaceAll(`\${${placeholder}}`, value), template);
  // TODO (Task 2): write the Choice and the workshop in fulfilment.asl.json; here, create the state
  // machine np.name('fulfilment') from definition with CreateStateMachineCommand, running as machineRole.
  const stateMachineArn = '';

  // TODO (Task 3): allow the start role (startRoleName) states:StartExecution on this machine only; then
  // put the rule np.name('start-fulfilment') on the orders bus for OrderPlaced events from ORDERS_SOURCE,
  // with the machine as its target and the start role as the target's RoleArn.
  const ruleName = np.name('start-fulfilment');

  // TODO (Task 4): in fulfilment.asl.json, record the order (dynamodb:putItem) and announce it (events:putEvents).

  // What later steps build on
  return {
    stateMachineArn: stateMachineArn!,
    ordersTableName,
    workshopQueueUrl: workshopQueueUrl!,
    workshopQueueArn,
    machineRoleArn: machineRole!.Arn!,
    ruleName,
    startRoleArn: startRole!.Arn!,
  };
}
