import { ACCOUNT_ID, REGION } from './clients.ts';

// ARNs as AWS writes them, in the kit's region and account: graders compare what they read with these.

export const queueArn = (queueName: string) => `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queueName}`;

export const topicArn = (topicName: string) => `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${topicName}`;

export const busArn = (busName: string) => `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${busName}`;

/** A rule's ARN as AWS writes it, and sends it as aws:SourceArn: a rule on a custom bus names its bus. */
export const ruleArn = (busName: string, ruleName: string) =>
  `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${busName === 'default' ? '' : `${busName}/`}${ruleName}`;

export const tableArn = (tableName: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${tableName}`;

export const stateMachineArn = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${name}`;

/** A bucket's ARN has no region and no account; an object's is the bucket's, a slash and its key. */
export const bucketArn = (bucketName: string) => `arn:aws:s3:::${bucketName}`;

export const objectArn = (bucketName: string, key: string) => `${bucketArn(bucketName)}/${key}`;

/** An API destination's ARN ends in an id EventBridge chooses: `api-destination/<name>/<id>`. */
export const apiDestinationArnPrefix = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT_ID}:api-destination/${name}/`;

/** Step Functions' optimized integrations the track uses, as a Task state's Resource names them. */
export const INTEGRATIONS = {
  putItem: 'arn:aws:states:::dynamodb:putItem',
  sendMessage: 'arn:aws:states:::sqs:sendMessage',
  sendMessageForToken: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
  putEvents: 'arn:aws:states:::events:putEvents',
  headObject: 'arn:aws:states:::aws-sdk:s3:headObject',
  getObject: 'arn:aws:states:::aws-sdk:s3:getObject',
} as const;

/** API Gateway's AWS integration that puts events on a bus. */
export const PUT_EVENTS_INTEGRATION = `arn:aws:apigateway:${REGION}:events:action/PutEvents`;
