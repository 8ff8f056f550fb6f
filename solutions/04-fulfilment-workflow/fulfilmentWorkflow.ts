import { readFile } from 'node:fs/promises';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { EventTypes, ORDERS_SOURCE, type FulfilmentWorkflow, type OrdersBus } from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

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

  // Task 1: what the machine may do: each action of its tasks on its one resource
  await np.iam.send(
    new PutRolePolicyCommand({
      RoleName: machineRoleName,
      PolicyName: 'fulfil-orders',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: ordersTableArn },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: workshopQueueArn },
          { Effect: 'Allow', Action: 'events:PutEvents', Resource: ordersBus.busArn },
        ],
      }),
    }),
  );

  // Handed over: the ASL file beside this one, its placeholders filled in as CloudFormation's DefinitionSubstitutions would
  const template = await readFile(new URL('./fulfilment.asl.json', import.meta.url), 'utf8');
  const substitutions: Record<string, string> = { OrdersTable: ordersTableName, WorkshopQueueUrl: workshopQueueUrl!, OrdersBus: ordersBus.busName };
  const definition = Object.entries(substitutions).reduce((text, [placeholder, value]) => text.replaceAll(`\${${placeholder}}`, value), template);
  // Task 2: the machine, running as its role
  const { stateMachineArn } = await np.sfn.send(
    new CreateStateMachineCommand({ name: np.name('fulfilment'), definition, roleArn: machineRole!.Arn, type: 'STANDARD' }),
  );

  // Task 3: a rule that starts the machine for every OrderPlaced, through a role that may start this machine only
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
  // The whole event is the input: the machine reads the order from $.detail.
  await np.eventBridge.send(
    new PutTargetsCommand({ Rule: ruleName, EventBusName: ordersBus.busName, Targets: [{ Id: 'fulfilment', Arn: stateMachineArn, RoleArn: startRole!.Arn }] }),
  );

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
