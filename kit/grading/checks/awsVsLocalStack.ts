/** Where the kit lists what LocalStack lets through that AWS would not: the messages of those checks point there. */
export const AWS_VS_LOCALSTACK = 'docs/aws-vs-localstack.md';

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
