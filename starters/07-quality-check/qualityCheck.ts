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

// Exercise 7: the elves' quality check. Instructions: exercises/07-quality-check/README.md
// Grade it with `npm run exercise 7`; stuck? `npm run hint 7`.
// This is the hardened fulfilment workflow of exercise 6. You edit this file and the state machine
// beside it, fulfilment.asl.json. The kit deploys the reference orders bus of exercise 1 first and
// passes it in as ordersBus.

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
  // TODO (Task 1): create the queue np.name('quality-check'), where fragile gifts wait for an elf.
  const qualityCheck = { url: '', arn: '' };

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
  // TODO (Task 1): the machine will send fragile gifts to the quality-check queue: allow that too,
  // on that queue only.
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

  // TODO (Task 2): the quality check in fulfilment.asl.json, and its "${QualityCheckQueueUrl}"
  // placeholder filled in here. TODO (Task 4): the remake, and TODO (Task 5): the timeout, are in
  // fulfilment.asl.json too.
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

  // TODO (Task 3): return the quality-check queue too (QualityCheckedFulfilment in kit/contracts.ts):
  // the elves' worker below finds it there.
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

// TODO (Task 3): one round at the quality bench. Receive from workflow.qualityCheckQueueUrl
// (WaitTimeSeconds 1). Each message is a QualityCheckRequest: look the order up in `bench` (what the elf
// finds on each gift, by orderId) and skip a gift that is not on it. Approve with SendTaskSuccessCommand
// and the message's taskToken, or reject with SendTaskFailureCommand (error QUALITY_REJECTED, cause the
// reason); then delete the message.
export async function qualityElf(
  np: NorthPole,
  workflow: QualityCheckedFulfilment,
  bench: Record<string, Inspection>,
): Promise<{ approved: string[]; rejected: string[] }> {
  const approved: string[] = [];
  const rejected: string[] = [];
  return { approved, rejected };
}
