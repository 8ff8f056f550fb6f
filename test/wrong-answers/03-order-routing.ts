import type { WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'noQueuePolicy',
    mistake: 'The queues have no policy: LocalStack delivers anyway, AWS would drop every order.',
    failsAt: 1,
    edits: [{ find: 'new CreateQueueCommand({ QueueName: queueName, Attributes: { Policy: JSON.stringify(policy) } })', replace: 'new CreateQueueCommand({ QueueName: queueName })' }],
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
    name: 'heavyOffByOne',
    mistake: '">=" instead of ">": a gift of exactly 20 kg goes to the heavy-lift team.',
    failsAt: 3,
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
];
