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

// Exercise 9: letters to Santa, and children watching their orders. Instructions: exercises/09-letters-to-santa/README.md
// Grade it with `npm run exercise 9`; stuck? `npm run hint 9`. Watch your orders: `npm run tracker`.
// You edit this file and the state machine beside it, letterReader.asl.json. The kit deploys the
// reference orders bus (exercise 1) and fulfilment workflow (exercise 7) first, and starts the order
// tracker; deploy() receives all three. The letters reach fulfilment through the bus: you need nothing
// of `fulfilment` itself.

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
  // TODO (Task 1): create the bucket np.name('letters') and turn on its EventBridge notifications
  // (PutBucketNotificationConfigurationCommand with an EventBridgeConfiguration).
  const bucketName = np.name('letters');

  // TODO (Task 2): create the queue np.name('unreadable-letters'), and the role np.name('letter-reader')
  // for the state machine (createRole above): it may read the bucket's letters/ objects, put events on the
  // orders bus and send to that queue, each on its one resource.
  const unreadableQueueUrl = '';
  const unreadableQueueArn = '';
  const readerRoleArn = '';
  const letterReaderArn = `arn:aws:states:${np.region}:${np.accountId}:stateMachine:${np.name('letter-reader')}`;

  // TODO (Task 3): the rule np.name('letters-arrive') on the bus S3 sends its events to, for every new
  // object under letters/ in your bucket, with the letter reader as its target and a role
  // (np.name('letters-arrive')) that may start it.
  const lettersRuleName = np.name('letters-arrive');

  // TODO (Task 4): write the letter reader in letterReader.asl.json, then create it here as
  // np.name('letter-reader') with the role of task 2: read the file, fill in ${OrdersBus} and
  // ${UnreadableLettersQueueUrl}, CreateStateMachineCommand.
  const template = await readFile(new URL('./letterReader.asl.json', import.meta.url), 'utf8');

  // TODO (Task 5): the connection np.name('tracker') with the tracker's API key (tracker.apiKeyName,
  // tracker.apiKey), the API destination np.name('tracker') that POSTs to tracker.updatesUrl at most
  // TRACKER_UPDATES_PER_SECOND times a second, and the role np.name('tracker') EventBridge invokes it with.
  const connectionArn = '';
  const apiDestinationArn = '';

  // TODO (Task 6): the rules np.name('tracker-orders') (OrderPlaced from ORDERS_SOURCE, OrderFulfilled
  // from FULFILMENT_SOURCE) and np.name('tracker-failures') (OrderFailed) on the orders bus, each with the
  // API destination as its target and an input transformer that sends { orderId, status, time } and
  // nothing else: the status is the event's detail-type (EventTypes), the time the event's.
  const trackerOrdersRuleName = np.name('tracker-orders');
  const trackerFailuresRuleName = np.name('tracker-failures');

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
