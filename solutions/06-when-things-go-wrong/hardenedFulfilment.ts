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

  // Task 1: the dead-letter queue first, so the workshop queue's redrive policy can name it; and the
  // queue where orders wait for a person when the workshop stays down
  const deadLetters = await createQueue(np, 'workshop-dead-letters', { MessageRetentionPeriod: '1209600' });
  const workshop = await createQueue(np, 'workshop', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 }),
  });
  const attention = await createQueue(np, 'orders-needing-attention');

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
  // Task 3: the machine may now send to the attention queue too
  await np.iam.send(
    new PutRolePolicyCommand({
      RoleName: machineRoleName,
      PolicyName: 'fulfil-orders',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: ordersTableArn },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: [workshop.arn, attention.arn] },
          { Effect: 'Allow', Action: 'events:PutEvents', Resource: ordersBus.busArn },
        ],
      }),
    }),
  );

  // Tasks 2 to 4 are in fulfilment.asl.json: Retry, Catch and the conditional put
  const template = await readFile(new URL('./fulfilment.asl.json', import.meta.url), 'utf8');
  const substitutions: Record<string, string> = {
    OrdersTable: ordersTableName,
    WorkshopQueueUrl: workshop.url,
    AttentionQueueUrl: attention.url,
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

/** The order a message carries, or undefined when it carries none the elves could make. */
function orderIn(body: string | undefined): Order | undefined {
  try {
    const order = JSON.parse(body ?? '') as Partial<Order> | null;
    return order && typeof order.orderId === 'string' && typeof order.gift === 'string' ? (order as Order) : undefined;
  } catch {
    return undefined;
  }
}

// Task 5: one round of an elf's work: take what is on the workshop queue, make each toy, delete its message
export async function workshopElf(np: NorthPole, workflow: HardenedFulfilment): Promise<{ made: string[]; leftAlone: number }> {
  const { Messages = [] } = await np.sqs.send(new ReceiveMessageCommand({ QueueUrl: workflow.workshopQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  const made: string[] = [];
  let leftAlone = 0;
  for (const message of Messages) {
    const order = orderIn(message.Body);
    if (order) {
      made.push(order.orderId);
      await np.sqs.send(new DeleteMessageCommand({ QueueUrl: workflow.workshopQueueUrl, ReceiptHandle: message.ReceiptHandle }));
    } else {
      // Not deleted, so the queue counts another receive; visible again at once, so the next round gets it.
      leftAlone += 1;
      await np.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: workflow.workshopQueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
    }
  }
  return { made, leftAlone };
}

// Task 5: once the elves can handle them, move the dead letters back to the workshop queue
export async function redriveDeadLetters(np: NorthPole, workflow: HardenedFulfilment): Promise<string> {
  const { TaskHandle } = await np.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: workflow.deadLetterQueueArn, DestinationArn: workflow.workshopQueueArn }));
  return TaskHandle!;
}
