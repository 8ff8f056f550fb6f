import { readFile } from 'node:fs/promises';
import { CreateApiDestinationCommand, CreateConnectionCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import {
  EventTypes,
  FULFILMENT_SOURCE,
  ORDERS_SOURCE,
  TRACKER_UPDATES_PER_SECOND,
  type FulfilmentWorkflow,
  type LettersToSanta,
  type OrdersBus,
  type TrackerEndpoint,
} from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

/** A role the service may assume, with one inline policy: each statement one action on its resources. */
async function createRole(np: NorthPole, roleName: string, service: string, statements: { Action: string; Resource: string | string[] }[]): Promise<string> {
  const { Role } = await np.iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] }),
    }),
  );
  await np.iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName,
      PolicyName: 'what-it-does',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements.map((statement) => ({ Effect: 'Allow', ...statement })) }),
    }),
  );
  return Role!.Arn!;
}

export async function deploy(np: NorthPole, ordersBus: OrdersBus, fulfilment: FulfilmentWorkflow, tracker: TrackerEndpoint): Promise<LettersToSanta> {
  // Task 1: the letters bucket tells EventBridge about every new object
  const bucketName = np.name('letters');
  await np.s3.send(new CreateBucketCommand({ Bucket: bucketName }));
  await np.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucketName, NotificationConfiguration: { EventBridgeConfiguration: {} } }));

  // Task 2: where unreadable letters wait for an elf, and a role that may read letters and nothing else
  const unreadableQueueArn = `arn:aws:sqs:${np.region}:${np.accountId}:${np.name('unreadable-letters')}`;
  const unreadableQueueUrl = (await np.sqs.send(new CreateQueueCommand({ QueueName: np.name('unreadable-letters') }))).QueueUrl!;
  const readerRoleArn = await createRole(np, np.name('letter-reader'), 'states.amazonaws.com', [
    // headObject and getObject both need s3:GetObject
    { Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucketName}/letters/*` },
    { Action: 'events:PutEvents', Resource: ordersBus.busArn },
    { Action: 'sqs:SendMessage', Resource: unreadableQueueArn },
  ]);
  const letterReaderArn = `arn:aws:states:${np.region}:${np.accountId}:stateMachine:${np.name('letter-reader')}`;

  // Task 3: S3 sends its events to the default bus: new letters there start the reader
  const lettersRuleName = np.name('letters-arrive');
  const startRoleArn = await createRole(np, lettersRuleName, 'events.amazonaws.com', [{ Action: 'states:StartExecution', Resource: letterReaderArn }]);
  await np.eventBridge.send(
    new PutRuleCommand({
      Name: lettersRuleName,
      EventPattern: JSON.stringify({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [bucketName] }, object: { key: [{ prefix: 'letters/' }] } },
      }),
    }),
  );
  await np.eventBridge.send(new PutTargetsCommand({ Rule: lettersRuleName, Targets: [{ Id: 'letter-reader', Arn: letterReaderArn, RoleArn: startRoleArn }] }));

  // Task 4: the reader looks before it reads, and places the order as the API does
  const template = await readFile(new URL('./letterReader.asl.json', import.meta.url), 'utf8');
  const definition = template.replaceAll('${OrdersBus}', ordersBus.busName).replaceAll('${UnreadableLettersQueueUrl}', unreadableQueueUrl);
  await np.sfn.send(new CreateStateMachineCommand({ name: np.name('letter-reader'), roleArn: readerRoleArn, definition }));

  // Task 5: the tracker's address and key, a limit on how fast EventBridge may call it, and the role it calls with
  const connectionArn = (
    await np.eventBridge.send(
      new CreateConnectionCommand({
        Name: np.name('tracker'),
        AuthorizationType: 'API_KEY',
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: tracker.apiKeyName, ApiKeyValue: tracker.apiKey } },
      }),
    )
  ).ConnectionArn!;
  const apiDestinationArn = (
    await np.eventBridge.send(
      new CreateApiDestinationCommand({
        Name: np.name('tracker'),
        ConnectionArn: connectionArn,
        InvocationEndpoint: tracker.updatesUrl,
        HttpMethod: 'POST',
        InvocationRateLimitPerSecond: TRACKER_UPDATES_PER_SECOND,
      }),
    )
  ).ApiDestinationArn!;
  await createRole(np, np.name('tracker'), 'events.amazonaws.com', [{ Action: 'events:InvokeApiDestination', Resource: apiDestinationArn }]);

  // Task 6: each status change as a child may see it: the order, the event's name and its time, nothing else
  const toTracker = async (ruleName: string, pattern: object, orderIdPath: string) => {
    await np.eventBridge.send(new PutRuleCommand({ Name: ruleName, EventBusName: ordersBus.busName, EventPattern: JSON.stringify(pattern) }));
    await np.eventBridge.send(
      new PutTargetsCommand({
        Rule: ruleName,
        EventBusName: ordersBus.busName,
        Targets: [
          {
            Id: 'tracker',
            Arn: apiDestinationArn,
            RoleArn: `arn:aws:iam::${np.accountId}:role/${np.name('tracker')}`,
            InputTransformer: {
              InputPathsMap: { orderId: orderIdPath, status: '$.detail-type', time: '$.time' },
              InputTemplate: '{"orderId": <orderId>, "status": <status>, "time": <time>}',
            },
          },
        ],
      }),
    );
  };
  const trackerOrdersRuleName = np.name('tracker-orders');
  const trackerFailuresRuleName = np.name('tracker-failures');
  await toTracker(
    trackerOrdersRuleName,
    { $or: [{ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }, { source: [FULFILMENT_SOURCE], 'detail-type': [EventTypes.OrderFulfilled] }] },
    '$.detail.orderId',
  );
  // An OrderFailed carries the order one level deeper
  await toTracker(trackerFailuresRuleName, { source: [FULFILMENT_SOURCE], 'detail-type': [EventTypes.OrderFailed] }, '$.detail.order.orderId');

  return {
    bucketName,
    letterReaderArn,
    unreadableQueueUrl,
    unreadableQueueArn,
    lettersRuleName,
    connectionArn,
    apiDestinationArn,
    trackerOrdersRuleName,
    trackerFailuresRuleName,
  };
}
