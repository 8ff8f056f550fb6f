import type { WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
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
