import { ACCOUNT_ID, REGION } from '../aws/clients.ts';

export function queueArn(queueName: string): string {
  return `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queueName}`;
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
