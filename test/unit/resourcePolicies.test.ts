import { describe, expect, it } from 'vitest';
import { itemProblems } from '../../kit/grading/checks/dynamoDbItems.ts';
import { policyDecision, sourceArnMixUp, type PolicyRequest } from '../../kit/grading/checks/resourcePolicies.ts';

const queue = 'arn:aws:sqs:us-east-1:000000000000:np1-elf-log';
const rule = 'arn:aws:events:us-east-1:000000000000:rule/np1-orders/np1-elf-log-observer';
const delivery: PolicyRequest = {
  requester: { service: 'events.amazonaws.com' },
  action: 'sqs:SendMessage',
  resource: queue,
  context: { 'aws:SourceArn': rule, 'aws:SourceAccount': '000000000000' },
};
const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (extra: object = {}) => ({
  Effect: 'Allow',
  Principal: { Service: 'events.amazonaws.com' },
  Action: 'sqs:SendMessage',
  Resource: queue,
  ...extra,
});

describe('a resource policy, decided as IAM documents it', () => {
  it('allows a matching statement, with or without a condition that holds', () => {
    expect(policyDecision(policy(allow()), delivery).allowed).toBe(true);
    expect(policyDecision(policy(allow({ Condition: { ArnEquals: { 'aws:SourceArn': rule } } })), delivery).allowed).toBe(true);
    expect(policyDecision(policy(allow({ Condition: { StringEquals: { 'AWS:SourceAccount': '000000000000' } } })), delivery).allowed).toBe(true);
    // IAM returns documents URL-encoded.
    expect(policyDecision(encodeURIComponent(policy(allow())), delivery).allowed).toBe(true);
  });

  it('matches ARNs part by part: a wildcard stays inside its part', () => {
    const arnLike = (pattern: string) => policyDecision(policy(allow({ Condition: { ArnLike: { 'aws:SourceArn': pattern } } })), delivery).allowed;
    expect(arnLike('arn:aws:events:*:*:rule/np1-orders/*')).toBe(true);
    expect(arnLike('arn:aws:events:us-east-1:000000000000:rule/np1-orders/np1-elf-log-observe?')).toBe(true);
    expect(arnLike('arn:aws:events:*')).toBe(false);
    expect(arnLike('arn:aws:events:us-east-1:000000000000:rule/np1-elf-log-observer')).toBe(false);
  });

  it('refuses when a condition cannot hold, and keeps the source ARNs it names', () => {
    const bus = 'arn:aws:events:us-east-1:000000000000:event-bus/np1-orders';
    const decision = policyDecision(policy(allow({ Condition: { ArnEquals: { 'aws:SourceArn': bus } } })), delivery);
    expect(decision).toMatchObject({ allowed: false, sourceArns: [bus] });
    expect(sourceArnMixUp([bus], rule, { busArn: bus })).toContain("is the bus's ARN");
    expect(sourceArnMixUp(['arn:aws:events:us-east-1:000000000000:rule/np1-elf-log-observer'], rule)).toContain('leaves out the bus');
  });

  it('treats a key the request lacks as IAM does: a positive test fails, a negated one and IfExists hold', () => {
    const withCondition = (condition: object) => policyDecision(policy(allow({ Condition: condition })), { ...delivery, context: {} }).allowed;
    expect(withCondition({ ArnEquals: { 'aws:SourceArn': rule } })).toBe(false);
    expect(withCondition({ ArnNotEquals: { 'aws:SourceArn': rule } })).toBe(true);
    expect(withCondition({ ArnEqualsIfExists: { 'aws:SourceArn': rule } })).toBe(true);
    expect(withCondition({ Null: { 'aws:SourceArn': 'true' } })).toBe(true);
  });

  it('lets an explicit Deny win, and names an operator it does not evaluate', () => {
    expect(policyDecision(policy(allow(), { ...allow(), Effect: 'Deny', Sid: 'closed' }), delivery)).toMatchObject({
      allowed: false,
      why: 'the statement "closed" denies it',
    });
    const unknown = policyDecision(policy(allow({ Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } } })), delivery);
    expect(unknown.allowed).toBe(false);
    expect(!unknown.allowed && unknown.why).toMatch(/DateGreaterThan is not one the grader evaluates/);
  });

  it('tells a service from a principal of another account', () => {
    const stranger: PolicyRequest = { requester: { account: '111122223333' }, action: 'sqs:SendMessage', resource: queue, context: {} };
    expect(policyDecision(policy(allow()), stranger).allowed).toBe(false);
    expect(policyDecision(policy({ ...allow(), Principal: '*' }), stranger).allowed).toBe(true);
    expect(policyDecision(policy({ ...allow(), Principal: '*', Condition: { ArnEquals: { 'aws:SourceArn': rule } } }), stranger).allowed).toBe(false);
  });
});

describe('a DynamoDB item, as the API takes it', () => {
  it('wants scalar values as strings, one type per value', () => {
    expect(itemProblems({ orderId: { S: 'o-1' }, quantity: { N: '2' }, gift: { M: { wrapped: { BOOL: true } } }, tags: { SS: ['a'] } })).toEqual([]);
    expect(itemProblems({ quantity: { N: 2 } })).toEqual(['quantity: "N" holds 2, a JSON number; DynamoDB wants the number as a string']);
    expect(itemProblems({ child: { S: null } })[0]).toMatch(/^child: "S" holds null/);
    expect(itemProblems({ quantity: { N: 'two' } })[0]).toMatch(/not a number/);
    expect(itemProblems({ child: 'Ada' })[0]).toMatch(/not a typed value/);
    expect(itemProblems({ child: { S: 'Ada', N: '1' } })[0]).toMatch(/exactly one type key/);
    expect(itemProblems({ gift: { M: { weight: { N: 3 } } } })[0]).toMatch(/^gift: weight: "N" holds 3/);
  });
});
