import { readFile } from 'node:fs/promises';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { EventTypes, ORDERS_SOURCE, type HardenedFulfilment, type Order, type OrdersBus } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

// Exercise 6: when things go wrong. Instructions: exercises/06-when-things-go-wrong/README.md
// Grade it with `npm run exercise 6`; stuck? `npm run hint 6`.
// This is the fulfilment workflow of exercise 4, working but not hardened. You edit this file and
// the state machine beside it, fulfilment.asl.json. The kit deploys the reference orders bus of
// exercise 1 first and passes it in as ordersBus.

async function createQueue(np: NorthPole, baseName: string, attributes?: Record<string, string>): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await np.sqs.send(new CreateQueueCommand({ QueueName: np.name(baseName), Attributes: attributes }));
  const { Attributes } = await np.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<HardenedFulfilment> {
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

  // TODO (Task 1): create the dead-letter queue np.name('workshop-dead-letters') (keeping messages
  // longer than the workshop queue does), give the workshop queue a RedrivePolicy that moves a message
  // there after a few receives, and create the queue np.name('orders-needing-attention').
  const workshop = await createQueue(np, 'workshop');
  const deadLetters = { url: '', arn: '' };
  const attention = { url: '', arn: '' };

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
  // TODO (Task 3): the machine will send failed orders to the attention queue: allow that too.
  await np.iam.send(
    new PutRolePolicyCommand({
      RoleName: machineRoleName,
      PolicyName: 'fulfil-orders',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: ordersTableArn },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: workshop.arn },
          { Effect: 'Allow', Action: 'events:PutEvents', Resource: ordersBus.busArn },
        ],
      }),
    }),
  );

  // TODO (Task 2): Retry in fulfilment.asl.json. TODO (Task 3): Catch, and the "${AttentionQueueUrl}"
  // placeholder filled in here. TODO (Task 4): the conditional put, before the workshop.
  const template = await readFile(new URL('./fulfilment.asl.json', import.meta.url), 'utf8');
  const substitutions: Record<string, string> = {
    OrdersTable: ordersTableName,
    WorkshopQueueUrl: workshop.url,
    OrdersBus: ordersBus.busName,
  };
  const definition = Object.entries(substitutions).reduce((text, [placeholder, value]) => text.replaceAll(`\${${placeholder}}`, value), template);
  const { stateMachineArn } = await np.sfn.send(
    new CreateStateMachineCommand({ name: np.name('fulfilment'), definition, roleArn: machineRole!.Arn, type: 'STANDARD' }),
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
  await np.iam.send(
    new PutRolePolicyCommand({
      RoleName: startRoleName,
      PolicyName: 'start-fulfilment',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachineArn }],
      }),
    }),
  );
  const ruleName = np.name('start-fulfilment');
  await np.eventBridge.send(
    new PutRuleCommand({
      Name: ruleName,
      EventBusName: ordersBus.busName,
      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),
    }),
  );
  await np.eventBridge.send(
    new PutTargetsCommand({ Rule: ruleName, EventBusName: ordersBus.busName, Targets: [{ Id: 'fulfilment', Arn: stateMachineArn, RoleArn: startRole!.Arn }] }),
  );

  return {
    stateMachineArn: stateMachineArn!,
    ordersTableName,
    workshopQueueUrl: workshop.url,
    workshopQueueArn: workshop.arn,
    machineRoleArn: machineRole!.Arn!,
    ruleName,
    startRoleArn: startRole!.Arn!,
    attentionQueueUrl: attention.url,
    attentionQueueArn: attention.arn,
    deadLetterQueueUrl: deadLetters.url,
    deadLetterQueueArn: deadLetters.arn,
  };
}

// TODO (Task 5): one round of an elf's work. Receive from workflow.workshopQueueUrl (WaitTimeSeconds 1);
// delete each message that carries an order; leave a message that is not an order undeleted, handed
// back at once (ChangeMessageVisibilityCommand, VisibilityTimeout 0), so that SQS sets it aside.
export async function workshopElf(np: NorthPole, workflow: HardenedFulfilment): Promise<{ made: string[]; leftAlone: number }> {
  const made: string[] = [];
  const leftAlone = 0;
  return { made, leftAlone };
}

// TODO (Task 5): move the dead letters back to the workshop queue (StartMessageMoveTaskCommand).
export async function redriveDeadLetters(np: NorthPole, workflow: HardenedFulfilment): Promise<string> {
  return '';
}
