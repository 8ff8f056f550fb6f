import { ACCOUNT_ID, REGION } from '../../aws/clients.ts';

/** Where the kit lists what LocalStack lets through that AWS would not: the messages of those checks point there. */
export const AWS_VS_LOCALSTACK = 'docs/aws-vs-localstack.md';

export function queueArn(queueName: string): string {
  return `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queueName}`;
}

export function busArn(busName: string): string {
  return `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${busName}`;
}

/** A rule's ARN as AWS writes it, and sends it as aws:SourceArn: a rule on a custom bus names its bus. */
export function ruleArn(busName: string, ruleName: string): string {
  return `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${busName === 'default' ? '' : `${busName}/`}${ruleName}`;
}

/**
 * A target that the service's own policy lets in (an SQS queue, an SNS topic) takes no RoleArn: AWS's
 * EventBridge guide says delivery may then fail. LocalStack ignores it.
 */
export function targetRoleProblem(target: { Arn?: string; RoleArn?: string }, what: string): { expected: string; found: string } | undefined {
  if (!target.RoleArn) return undefined;
  return {
    expected: `no RoleArn on the target ${what}: EventBridge delivers to it with the permission its own policy gives`,
    found: `RoleArn ${target.RoleArn}. LocalStack accepts this; AWS's EventBridge guide says not to give SQS and SNS targets a RoleArn, since delivery may then fail. Leave RoleArn for targets such as a state machine, which have no policy of their own (${AWS_VS_LOCALSTACK})`,
  };
}

export function sqsPolicyForEventBridge(queueArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn }],
  });
}

/** Where LocalStack serves a REST API's stage; on AWS it would be https://<id>.execute-api.<region>.amazonaws.com/<stage><path>. */
export function restApiInvokeUrl(endpoint: string, restApiId: string, stage: string, path: string): string {
  return `${endpoint.replace(/\/$/, '')}/restapis/${restApiId}/${stage}/_user_request_${path.startsWith('/') ? path : `/${path}`}`;
}
