import type { WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'policyForSns',
    mistake: 'The queue policy is copied from an SNS example: it lets sns.amazonaws.com send, not EventBridge.',
    failsAt: 2,
    edits: [{ find: "Principal: { Service: 'events.amazonaws.com' }", replace: "Principal: { Service: 'sns.amazonaws.com' }" }],
  },
  {
    name: 'patternTooBroad',
    mistake: 'A prefix pattern also routes every other northpole.* source to the elf log.',
    failsAt: 3,
    edits: [{ find: "JSON.stringify({ source: ['northpole.orders'] })", replace: "JSON.stringify({ source: [{ prefix: 'northpole' }] })" }],
  },
  {
    name: 'patternOnDetailType',
    mistake: "Matching on detail-type alone also lets another producer's OrderPlaced events into the elf log.",
    failsAt: 3,
    edits: [{ find: "JSON.stringify({ source: ['northpole.orders'] })", replace: "JSON.stringify({ 'detail-type': ['OrderPlaced'] })" }],
  },
  {
    name: 'ruleWithoutTarget',
    mistake: 'The rule is there but has no target, so orders go nowhere.',
    failsAt: 3,
    edits: [{ find: "  await np.eventBridge.send(new PutTargetsCommand({ Rule: ruleName, EventBusName: busName, Targets: [{ Id: 'elf-log', Arn: elfLogQueueArn }] }));\n", replace: '' }],
  },
  {
    name: 'wrongDetailType',
    mistake: 'The producer names the event OrderCreated, not the OrderPlaced the consumers expect.',
    failsAt: 4,
    edits: [{ find: "DetailType: 'OrderPlaced'", replace: "DetailType: 'OrderCreated'" }],
  },
  {
    name: 'defaultBus',
    mistake: 'The producer leaves out EventBusName, so the order lands on the default bus.',
    failsAt: 4,
    edits: [{ find: 'EventBusName: bus.busName, ', replace: '' }],
  },
];
