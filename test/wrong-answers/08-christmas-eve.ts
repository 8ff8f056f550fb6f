import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'archiveBySourceOnly',
    mistake: 'The archive keeps every event from northpole.orders: fine while OrderPlaced is the only one, and a cancellation would be archived and replayed too.',
    failsAt: 1,
    says: /OrderCancelled from northpole\.orders/,
    edits: [{ find: "      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),\n      RetentionDays", replace: '      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE] }),\n      RetentionDays' }],
  },
  {
    name: 'lettersBySourceOnly',
    mistake: 'The letters rule matches every event from northpole.orders that is not a replay: any other event of the orders service sends a letter too.',
    failsAt: 2,
    says: /OrderCancelled from northpole\.orders/,
    edits: [{ find: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], 'replay-name'", replace: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'replay-name'" }],
  },
  {
    name: 'lettersPolicyNamesRuleWithoutBus',
    mistake: 'The letters queue policy allows EventBridge only for aws:SourceArn rule/<rule>, without the bus: LocalStack never reads conditions; on AWS the ARN is rule/<bus>/<rule>, so every letter is refused.',
    failsAt: 2,
    says: /LocalStack accepts this; AWS would refuse every delivery.*leaves out the bus/,
    edits: [
      {
        find: "Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: lettersQueueArn }],",
        replace:
          "Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: lettersQueueArn, Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:events:${np.region}:${np.accountId}:rule/${lettersName}` } } }],",
      },
    ],
  },
  {
    name: 'recoverSaysCompleted',
    mistake: 'recover() starts the replay and reports COMPLETED without asking: on LocalStack the replay has finished by then, on AWS it is only starting.',
    failsAt: 4,
    says: /without asking DescribeReplay once/,
    edits: [{ find: '  // Task 4: the orders are back on the bus only once the replay has completed\n', replace: "  return { replayName, state: 'COMPLETED' };\n" }],
  },
  {
    name: 'recoverWithoutPause',
    mistake: 'recover() polls DescribeReplay without a pause between calls: hundreds of calls a second while the replay runs.',
    failsAt: 4,
    says: /a loop without a pause/,
    edits: [{ find: '    await new Promise((resolve) => setTimeout(resolve, 200));\n', replace: '' }],
  },
  {
    name: 'recoverWaitsOutFailed',
    mistake: 'recover() treats FAILED as "not yet": it keeps asking until its deadline instead of saying at once that the replay failed.',
    failsAt: 4,
    says: /FAILED is final/,
    edits: [{ find: "if (State === 'FAILED' || State === 'CANCELLED') throw", replace: "if (State === 'CANCELLED') throw" }],
  },
  {
    name: 'replayNameNotFromWindow',
    mistake: 'The replay is always named np.name(\'outage\'): the first recovery works, the next one is refused, since a replay name can be used once only.',
    failsAt: 4,
    looksAt: 3,
    says: /a replay's name can be used once only/,
    edits: [{ find: 'const replayName = np.name(`outage-${Date.parse(window.start) / 1000}`);', replace: "const replayName = np.name('outage');" }],
  },
  {
    name: 'archiveWithoutPattern',
    mistake: 'The archive has no pattern, so it keeps OrderFulfilled too: a replay would announce fulfilments again.',
    failsAt: 1,
    edits: [{ find: "      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),\n      RetentionDays: 30,", replace: '      RetentionDays: 30,' }],
  },
  {
    name: 'archiveKeepsEveryNorthPoleEvent',
    mistake: 'The archive keeps every event whose source starts with "northpole.", fulfilment events included.',
    failsAt: 1,
    edits: [{ find: "      EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] }),\n      RetentionDays", replace: "      EventPattern: JSON.stringify({ source: [{ prefix: 'northpole.' }] }),\n      RetentionDays" }],
  },
  {
    name: 'lettersSeeReplays',
    mistake: 'The letters rule does not exclude replayed events: after an outage, every child in the window gets a second letter.',
    failsAt: 2,
    edits: [{ find: ", 'replay-name': [{ exists: false }] })", replace: ' })' }],
  },
  {
    name: 'lettersForEveryOrderEvent',
    mistake: 'The letters rule matches every event from the orders bus by source prefix, so OrderFulfilled sends a letter too.',
    failsAt: 2,
    edits: [{ find: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], 'replay-name'", replace: "EventPattern: JSON.stringify({ source: [{ prefix: 'northpole.' }], 'replay-name'" }],
  },
  {
    name: 'replayToWholeBus',
    mistake: 'The replay has no FilterArns: on AWS it reaches every rule on the bus, and LocalStack does the same whatever FilterArns says.',
    failsAt: 3,
    edits: [{ find: 'Destination: { Arn: christmasEve.busArn, FilterArns: [christmasEve.fulfilmentRuleArn] }', replace: 'Destination: { Arn: christmasEve.busArn }' }],
  },
  {
    name: 'replayWindowBeforeOutage',
    mistake: 'The replay covers the hour before the outage and ends where it begins: the missed orders are never replayed.',
    failsAt: 3,
    edits: [
      {
        find: 'EventStartTime: new Date(window.start),\n      EventEndTime: new Date(window.end),',
        replace: 'EventStartTime: new Date(Date.parse(window.start) - 3_600_000),\n      EventEndTime: new Date(window.start),',
      },
    ],
  },
  {
    name: 'replayEverything',
    mistake: 'The replay starts at the beginning of the archive instead of the outage: every order ever placed goes back on the bus.',
    failsAt: 3,
    edits: [{ find: 'EventStartTime: new Date(window.start),', replace: 'EventStartTime: new Date(0),' }],
  },
  {
    name: 'recoverReportsNoState',
    mistake: 'recover() starts the replay and returns only its name, without waiting: the caller cannot tell whether the missed orders are back on the bus.',
    failsAt: 4,
    edits: [{ find: '  // Task 4: the orders are back on the bus only once the replay has completed\n', replace: '  return { replayName } as Recovery;\n' }],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'so the grader reads your replay back with `DescribeReplay` to check it is aimed as AWS needs it',
    provedBy: ['replayToWholeBus'],
  },
  {
    sentence: 'The grader reads the archive back and tries its pattern with `TestEventPattern` on an `OrderPlaced`, an `OrderFulfilled`, an order from another source and another event type from `northpole.orders` (an `OrderCancelled`): the pattern names both the source and the detail-type.',
    provedBy: ['archiveWithoutPattern', 'archiveKeepsEveryNorthPoleEvent', 'archiveBySourceOnly'],
  },
  {
    sentence: 'LocalStack never evaluates a condition, AWS refuses every delivery whose source does not match, and the grader checks the condition against the rule\'s ARN',
    provedBy: ['lettersPolicyNamesRuleWithoutBus'],
  },
  {
    sentence: 'The grader tries the rule\'s pattern on an original event and on the same event replayed (with `replay-name`), and in task 4 counts the letters after a real replay.',
    provedBy: ['lettersSeeReplays', 'lettersForEveryOrderEvent', 'lettersBySourceOnly'],
  },
  {
    sentence: 'The grader causes the outage for real: it puts two orders on the bus, waits until they are fulfilled, disables the fulfilment rule (`DisableRule`), puts three more, enables the rule again and calls your `recover()`.',
    provedBy: ['replayWindowBeforeOutage', 'replayEverything', 'recoverSaysCompleted'],
  },
  {
    sentence: 'Then it reads your replay back with `DescribeReplay`.',
    provedBy: ['replayToWholeBus', 'replayWindowBeforeOutage'],
  },
  {
    sentence: 'The grader counts what your loop asked: it wants `COMPLETED` seen, not assumed, and a pause between calls',
    provedBy: ['recoverSaysCompleted', 'recoverReportsNoState', 'recoverWithoutPause'],
  },
  {
    sentence: 'Then it calls `recover()` once more, for an hour-old window, and reports that replay `FAILED`: `recover()` must throw at once.',
    provedBy: ['recoverWaitsOutFailed', 'replayNameNotFromWindow'],
  },
];
