import { describe, expect, it } from 'vitest';
import { AwsClock } from '../../kit/aws/awsClock.ts';
import { policyAllows, sampleEvent } from '../../kit/grading/checks/evidence.ts';
import { LONGEST_DETAIL, Miss } from '../../kit/grading/checks/grader.ts';

const queue = 'arn:aws:sqs:us-east-1:000000000000:npabcde-elf-log';
const policy = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

describe('reading policies the way the graders do', () => {
  const wanted = { service: 'events.amazonaws.com', action: 'sqs:SendMessage', resource: queue };

  it('accepts an Allow for the service, the action and the resource', () => {
    expect(policyAllows(policy({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queue }), wanted)).toBe(
      true,
    );
    expect(
      policyAllows(
        policy({ Effect: 'Allow', Principal: { Service: ['sns.amazonaws.com', 'events.amazonaws.com'] }, Action: ['sqs:*'], Resource: [queue] }),
        wanted,
      ),
    ).toBe(true);
  });

  it('rejects a Deny, another principal, another action or another resource', () => {
    expect(policyAllows(policy({ Effect: 'Deny', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queue }), wanted)).toBe(
      false,
    );
    expect(policyAllows(policy({ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queue }), wanted)).toBe(
      false,
    );
    expect(
      policyAllows(policy({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:ReceiveMessage', Resource: queue }), wanted),
    ).toBe(false);
    expect(
      policyAllows(policy({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: `${queue}-other` }), wanted),
    ).toBe(false);
  });

  it('treats a missing or malformed document as allowing nothing', () => {
    expect(policyAllows(undefined, wanted)).toBe(false);
    expect(policyAllows('{"Statement": [', wanted)).toBe(false);
  });

  it('reads URL-encoded documents as IAM returns them', () => {
    const document = encodeURIComponent(
      policy({ Effect: 'Allow', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:000000000000:event-bus/npabcde-orders' }),
    );
    expect(policyAllows(document, { action: 'events:PutEvents', resource: 'arn:aws:events:us-east-1:000000000000:event-bus/npabcde-orders' })).toBe(true);
  });

  it('builds sample events with every field TestEventPattern requires', () => {
    const event = JSON.parse(sampleEvent('northpole.orders', 'OrderPlaced', { orderId: '1' })) as Record<string, unknown>;
    expect(Object.keys(event).sort()).toEqual(['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version']);
  });
});

describe('the AWS clock', () => {
  it('counts overlapping calls once', async () => {
    const clock = new AwsClock();
    const beforeBegin = performance.now();
    const first = clock.begin();
    const second = clock.begin();
    const afterBegin = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 40));
    const firstEnded = performance.now();
    first();
    await new Promise((resolve) => setTimeout(resolve, 40));
    const beforeEnd = performance.now();
    second();
    second();
    const afterEnd = performance.now();
    // From the first begin to the last end, once: never the two calls' times added up, however slow the machine.
    expect(clock.ms).toBeGreaterThanOrEqual(beforeEnd - afterBegin);
    expect(clock.ms).toBeLessThanOrEqual(afterEnd - beforeBegin);
    expect(clock.ms).toBeLessThan(firstEnded - afterBegin + (beforeEnd - afterBegin));
  });
});

describe('a miss of hundreds of things', () => {
  it('shows the start of a long Found and says how much is left out', () => {
    const found = Array.from({ length: 300 }, (_, index) => `event np12345-order-${index}`).join(', ');
    const miss = new Miss({ expected: 'every order on the elf log', found });
    expect(miss.found.length).toBeLessThan(LONGEST_DETAIL + 40);
    expect(miss.found.startsWith('event np12345-order-0, event np12345-order-1,')).toBe(true);
    expect(miss.found).toMatch(/ … \(\d+ more characters\)$/);
    expect(new Miss({ expected: 'x', found: 'short' }).found).toBe('short');
  });
});
