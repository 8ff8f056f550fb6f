import { describe, expect, it } from 'vitest';
import { describeAttempts, orderLostAt, refusedByAws, type ExecutedState } from '../../kit/grading/checks/executions.ts';
import { stateHops } from '../../kit/grading/checks/orderPath.ts';

const state = (fields: Partial<ExecutedState>): ExecutedState => ({ name: 'a state', type: 'Task', attempts: 1, failures: [], ...fields });
const order = { detail: { orderId: 'o-1' } };

describe("the order's path tells what AWS would do", () => {
  it('a States.Runtime that LocalStack let States.ALL catch is where the execution fails on AWS', () => {
    const sent = state({
      name: 'Send to the workshop',
      task: { resource: 'sqs:sendMessage' },
      failures: [{ error: 'States.Runtime', cause: "The JSONPath '$.order' specified for the field 'MessageBody.$' could not be found in the input '{}'" }],
      caught: { error: 'States.Runtime', cause: "The JSONPath '$.order' specified for the field 'MessageBody.$' could not be found in the input '{}'" },
      output: { ...order, error: {} },
      input: order,
    });
    expect(describeAttempts(sent)).toContain('on AWS "States.ALL" never catches States.Runtime');
    const [hop] = stateHops([sent]);
    expect(hop).toMatchObject({ kind: 'missed', detail: expect.stringContaining('the path $.order (in "MessageBody.$") finds nothing') });
    // An error AWS catches too is a plain hop.
    const caughtOnAws = { ...sent, failures: [{ error: 'SQS.SdkClientException' }], caught: { error: 'SQS.SdkClientException' } };
    expect(stateHops([caughtOnAws])[0]).toMatchObject({ kind: 'reached' });
  });

  it('a DynamoDB number given as a JSON number is stored by LocalStack and refused by AWS', () => {
    const put = state({
      name: 'Record the order',
      task: { resource: 'dynamodb:putItem', parameters: { TableName: 't', Item: { orderId: { S: 'o-1' }, quantity: { N: 2 } } } },
      input: order,
      output: order,
    });
    expect(refusedByAws(put)).toMatch(/Item\.quantity: "N" holds 2, a JSON number.*LocalStack accepts this and goes on; AWS would fail the task/);
    expect(stateHops([put])[0]).toMatchObject({ kind: 'missed' });
    const right = state({ ...put, task: { resource: 'dynamodb:putItem', parameters: { Item: { quantity: { N: '2' } } } } });
    expect(refusedByAws(right)).toBeUndefined();
  });

  it('names the state that replaced the order, not the one that later missed it', () => {
    const states = [
      state({ name: 'Quality check', input: order, output: { ...order, error: { Error: 'QualityCheck.Rejected' } } }),
      state({ name: 'Remake the gift', type: 'Pass', input: { ...order, error: {} }, output: { reason: 'chipped paint' } }),
      state({ name: 'Send to the workshop', input: { reason: 'chipped paint' }, error: 'States.Runtime' }),
    ];
    expect(orderLostAt(states)?.name).toBe('Remake the gift');
  });
});
