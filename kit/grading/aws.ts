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
