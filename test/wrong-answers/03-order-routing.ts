import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'noQueuePolicy',
    mistake: 'The queues have no policy: LocalStack delivers anyway, AWS would drop every order.',
    failsAt: 1,
    edits: [{ find: 'new CreateQueueCommand({ QueueName: queueName, Attributes: { Policy: JSON.stringify(policy) } })', replace: 'new CreateQueueCommand({ QueueName: queueName })' }],
  },
  {
    name: 'sourceArnWithoutBus',
    mistake: 'The condition names the rule as a rule on the default bus would be named: on AWS a rule on a custom bus is rule/<bus>/<rule>, so the condition never holds and every delivery is refused.',
    failsAt: 1,
    says: /LocalStack accepts this[\s\S]*leaves out the bus/,
    edits: [{ find: 'rule/${ordersBus.busName}/${ruleName}', replace: 'rule/${ruleName}' }],
  },
  {
    name: 'sourceArnIsBus',
    mistake: "The condition names the orders bus, but EventBridge sends as the rule: AWS would refuse every delivery, LocalStack delivers anyway.",
    failsAt: 1,
    says: /LocalStack accepts this[\s\S]*bus's ARN/,
    edits: [{ find: "Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } }", replace: "Condition: { ArnEquals: { 'aws:SourceArn': ordersBus.busArn } }" }],
  },
  {
    name: 'everyQueueTrustsToyRule',
    mistake: "The policy is copied from the toy workshop's queue with its rule left in: on AWS no other department would receive anything.",
    failsAt: 1,
    says: /coal-depot/,
    edits: [{ find: 'rule/${ordersBus.busName}/${ruleName}', replace: "rule/${ordersBus.busName}/${np.name('toy-workshop')}" }],
  },
  {
    name: 'queueOpenToEveryone',
    mistake: 'Principal "*" and no condition: EventBridge may send, and so may anyone in any AWS account.',
    failsAt: 1,
    says: /any AWS account/,
    edits: [
      { find: "        Principal: { Service: 'events.amazonaws.com' },\n", replace: "        Principal: '*',\n" },
      { find: "        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },\n", replace: '' },
    ],
  },
  {
    name: 'targetWithRoleArn',
    mistake: 'The targets get a RoleArn, as a state machine target needs: LocalStack ignores it, AWS says SQS targets take none and delivery may fail.',
    failsAt: 2,
    says: /RoleArn/,
    edits: [{ find: "InputPath: '$.detail' }", replace: "InputPath: '$.detail', RoleArn: `arn:aws:iam::${np.accountId}:role/${np.name('routing')}` }" }],
  },
  {
    name: 'toyPrefixWithoutDash',
    mistake: 'A prefix of "TOY" without its dash: a toy box, "TOYBOX-3", is taken for a toy.',
    failsAt: 2,
    says: /TOYBOX-3/,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ list: ['nice'], sku: [{ prefix: 'TOY' }] }" }],
  },
  {
    name: 'toyOneSku',
    mistake: 'The sku of the example order as an exact value: only that one toy reaches the workshop.',
    failsAt: 2,
    says: /TOY-9001/,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ list: ['nice'], sku: ['TOY-0042'] }" }],
  },
  {
    name: 'toysForAllButNaughty',
    mistake: 'anything-but "naughty" for the toy workshop: a child on a list Santa starts next year gets a toy.',
    failsAt: 2,
    says: /very-naughty/,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ list: [{ 'anything-but': 'naughty' }], sku: [{ prefix: 'TOY-' }] }" }],
  },
  {
    name: 'toysForEveryone',
    mistake: 'The toy workshop matches on the sku only, so naughty children get toys too.',
    failsAt: 2,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ sku: [{ prefix: 'TOY-' }] }" }],
  },
  {
    name: 'listNotAList',
    mistake: 'A value where EventBridge wants a list of values: an invalid pattern, which PutRule on LocalStack accepts without a word.',
    failsAt: 2,
    edits: [{ find: "{ list: ['nice'], sku: [{ prefix: 'TOY-' }] }", replace: "{ list: 'nice', sku: [{ prefix: 'TOY-' }] }" }],
  },
  {
    name: 'detailOnly',
    mistake: 'The patterns name only detail fields, so another producer\'s events, and OrderFulfilled events, reach the departments too.',
    failsAt: 2,
    edits: [{ find: "const pattern = { source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced], detail };", replace: 'const pattern = { detail };' }],
  },
  {
    name: 'coalForNiceChildren',
    mistake: 'anything-but "naughty" instead of anything-but "nice": every nice child gets coal.',
    failsAt: 3,
    edits: [{ find: "{ list: [{ 'anything-but': 'nice' }] }", replace: "{ list: [{ 'anything-but': 'naughty' }] }" }],
  },
  {
    name: 'coalForNaughtyOnly',
    mistake: 'An exact match on "naughty": a list Santa starts next year gets no coal.',
    failsAt: 3,
    edits: [{ find: "{ list: [{ 'anything-but': 'nice' }] }", replace: "{ list: ['naughty'] }" }],
  },
  {
    name: 'coalForNaughtyLists',
    mistake: 'A suffix "naughty" for the coal depot: "naughty" and "very-naughty" get coal, a list with another name does not.',
    failsAt: 3,
    says: /grumpy/,
    edits: [{ find: "{ list: [{ 'anything-but': 'nice' }] }", replace: "{ list: [{ suffix: 'naughty' }] }" }],
  },
  {
    name: 'heavyWithCeiling',
    mistake: 'A range "> 20 and <= 1000": the heaviest gifts of all reach no team.',
    failsAt: 3,
    says: /1500/,
    edits: [{ find: "{ weightKg: [{ numeric: ['>', 20] }] }", replace: "{ weightKg: [{ numeric: ['>', 20, '<=', 1000] }] }" }],
  },
  {
    name: 'heavyOffByOne',
    mistake: '">=" instead of ">": a gift of exactly 20 kg goes to the heavy-lift team.',
    failsAt: 3,
    says: /detail\.weightKg: 20 matches/,
    edits: [{ find: "{ weightKg: [{ numeric: ['>', 20] }] }", replace: "{ weightKg: [{ numeric: ['>=', 20] }] }" }],
  },
  {
    name: 'existsOnObject',
    mistake: 'exists on giftWrap itself: it is an object, and EventBridge matches values only, so no wrapped order reaches gift wrap.',
    failsAt: 4,
    edits: [{ find: '{ giftWrap: { paper: [{ exists: true }] } }', replace: '{ giftWrap: [{ exists: true }] }' }],
  },
  {
    name: 'existsOnGift',
    mistake: 'exists on the wrong field: every order has a gift, so every order goes to gift wrap.',
    failsAt: 4,
    edits: [{ find: '{ giftWrap: { paper: [{ exists: true }] } }', replace: '{ gift: [{ exists: true }] }' }],
  },
  {
    name: 'giftWrapOnePaper',
    mistake: 'The paper of the example order as an exact value: an order in snowflake paper is never wrapped.',
    failsAt: 4,
    says: /snowflakes/,
    edits: [{ find: '{ giftWrap: { paper: [{ exists: true }] } }', replace: "{ giftWrap: { paper: ['candy-stripe'] } }" }],
  },
  {
    name: 'expressBelowHundred',
    mistake: 'A range "10 to 99 gifts": the biggest orders of all miss the express desk.',
    failsAt: 4,
    says: /500/,
    edits: [{ find: "{ quantity: [{ numeric: ['>=', 10] }] }", replace: "{ quantity: [{ numeric: ['>=', 10, '<', 100] }] }" }],
  },
  {
    name: 'expressAndBulk',
    mistake: 'Both conditions in one pattern mean "and": only express orders of 10 or more gifts reach the express desk.',
    failsAt: 4,
    edits: [{ find: "{ $or: [{ express: [true] }, { quantity: [{ numeric: ['>=', 10] }] }] }", replace: "{ express: [true], quantity: [{ numeric: ['>=', 10] }] }" }],
  },
  {
    name: 'wholeEvent',
    mistake: 'No InputPath: the departments receive the whole event envelope instead of the order.',
    failsAt: 5,
    edits: [{ find: ", InputPath: '$.detail' }", replace: ' }' }],
  },
  {
    name: 'inputPathToOrder',
    mistake: 'InputPath "$.order", where the order is at "$.detail": every pattern is right, and no department receives an order.',
    failsAt: 5,
    says: /InputPath/,
    edits: [{ find: "InputPath: '$.detail' }", replace: "InputPath: '$.order' }" }],
  },
  {
    name: 'libraryJoinsToyRule',
    mistake: "The library is squeezed into the toy workshop's rule: one more prefix and its queue as the target, which takes the toy workshop's orders away.",
    failsAt: 6,
    edits: [
      {
        find: "  const library = await departmentQueue(np, ordersBus, 'library');\n  await route(np, ordersBus, library, { sku: [{ prefix: 'BOOK-' }] });",
        replace:
          "  const library = await departmentQueue(np, ordersBus, 'library');\n  await route(np, ordersBus, { ...library, ruleName: np.name('toy-workshop') }, { sku: [{ prefix: 'TOY-' }, { prefix: 'BOOK-' }] });",
      },
    ],
  },
  {
    name: 'libraryExactSku',
    mistake: 'An exact match on "BOOK-" instead of a prefix: no real book, "BOOK-0020", reaches the library.',
    failsAt: 6,
    edits: [{ find: "{ sku: [{ prefix: 'BOOK-' }] }", replace: "{ sku: ['BOOK-'] }" }],
  },
  {
    name: 'libraryPrefixWithoutDash',
    mistake: 'A prefix of "BOOK" without its dash: bookends, "BOOKEND-2", go to the library.',
    failsAt: 6,
    says: /BOOKEND-2/,
    edits: [{ find: "{ sku: [{ prefix: 'BOOK-' }] }", replace: "{ sku: [{ prefix: 'BOOK' }] }" }],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'The grader reads each policy as AWS would, with the department\'s own rule as the sender',
    provedBy: ['noQueuePolicy', 'sourceArnWithoutBus', 'sourceArnIsBus', 'everyQueueTrustsToyRule', 'queueOpenToEveryone'],
  },
  {
    sentence: 'The grader turns away a `RoleArn`, which LocalStack ignores.',
    provedBy: ['targetWithRoleArn'],
  },
  {
    sentence: 'The grader then puts a small batch of real orders on the bus, as the producer would',
    provedBy: ['wholeEvent', 'inputPathToOrder'],
  },
  {
    sentence: 'The grader calls it **after** it has checked the other five departments',
    provedBy: ['libraryJoinsToyRule'],
  },
  {
    sentence: 'For every department, the grader asks EventBridge (`TestEventPattern`) about your pattern',
    provedBy: ['toyPrefixWithoutDash', 'toyOneSku', 'toysForAllButNaughty', 'coalForNaughtyLists', 'heavyOffByOne', 'heavyWithCeiling', 'giftWrapOnePaper', 'expressBelowHundred', 'detailOnly'],
  },
  {
    sentence: 'At the first sample that goes the wrong way, it says which field decided it',
    provedBy: ['heavyOffByOne'],
  },
  {
    sentence: 'It also asks whether your pattern is valid at all',
    provedBy: ['listNotAList'],
  },
  {
    sentence: 'Then real traffic: six orders on the bus, each in exactly the queues that care.',
    provedBy: ['wholeEvent', 'inputPathToOrder'],
  },
  {
    sentence: 'Last, `addDepartment()`, three more orders, and the same check with the library.',
    provedBy: ['libraryExactSku', 'libraryPrefixWithoutDash', 'libraryJoinsToyRule'],
  },
];
