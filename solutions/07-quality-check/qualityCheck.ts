import { readFile } from 'node:fs/promises';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateStateMachineCommand, SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  EventTypes,
  ORDERS_SOURCE,
  QUALITY_REJECTED,
  type Inspection,
  type OrdersBus,
  type QualityCheckRequest,
  type QualityCheckedFulfilment,
} from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

async function createQueue(np: NorthPole, baseName: string, attributes?: Record<string, string>): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await np.sqs.send(new CreateQueueCommand({ QueueName: np.name(baseName), Attributes: attributes }));
  const { Attributes } = await np.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<QualityCheckedFulfilment> {
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

  const deadLetters = await createQueue(np, 'workshop-dead-letters', { MessageRetentionPeriod: '1209600' });
  const workshop = await createQueue(np, 'workshop', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 }),
  });
  const attention = await createQueue(np, 'orders-needing-attention');
  // Task 1: the queue where fragile gifts wait for an elf to look at them
  const qualityCheck = await createQueue(np, 'quality-check');

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
  // Task 1: the machine may now send to the quality-check queue too
  await np.iam.send(
    new PutRolePolicyCommand({
      RoleName: machineRoleName,
      PolicyName: 'fulfil-orders',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: ordersTableArn },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: [workshop.arn, attention.arn, qualityCheck.arn] },
          { Effect: 'Allow', Action: 'events:PutEvents', Resource: ordersBus.busArn },
        ],
      }),
    }),
  );

  // Tasks 2, 4 and 5 are in fulfilment.asl.json: the quality check, the remake and the timeout
  const template = await readFile(new URL('./fulfilment.asl.json', import.meta.url), 'utf8');
  const substitutions: Record<string, string> = {
    OrdersTable: ordersTableName,
    WorkshopQueueUrl: workshop.url,
    AttentionQueueUrl: attention.url,
    QualityCheckQueueUrl: qualityCheck.url,
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

  // Task 3: what the elves' worker and later steps build on
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
    qualityCheckQueueUrl: qualityCheck.url,
    qualityCheckQueueArn: qualityCheck.arn,
  };
}

// Task 3: one round at the quality bench. `bench` is what the elf finds on each gift, by orderId;
// a gift that is not on it is another elf's to look at, and stays on the queue.
export async function qualityElf(
  np: NorthPole,
  workflow: QualityCheckedFulfilment,
  bench: Record<string, Inspection>,
): Promise<{ approved: string[]; rejected: string[] }> {
  const { Messages = [] } = await np.sqs.send(new ReceiveMessageCommand({ QueueUrl: workflow.qualityCheckQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  const approved: string[] = [];
  const rejected: string[] = [];
  for (const message of Messages) {
    const { taskToken, order } = JSON.parse(message.Body!) as QualityCheckRequest;
    const inspection = bench[order.orderId];
    if (!inspection) continue;
    // The token is the waiting task's address: the answer goes to that execution, that state.
    if (inspection.verdict === 'approved') {
      await np.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ verdict: 'approved' }) }));
      approved.push(order.orderId);
    } else {
      await np.sfn.send(new SendTaskFailureCommand({ taskToken, error: QUALITY_REJECTED, cause: inspection.reason }));
      rejected.push(order.orderId);
    }
    // Answered: the message has done its work. Left on the queue, another elf would answer a token that is spent.
    await np.sqs.send(new DeleteMessageCommand({ QueueUrl: workflow.qualityCheckQueueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
  return { approved, rejected };
}
