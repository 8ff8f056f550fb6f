import type { WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'ruleOnOrderPlaced',
    mistake: 'The rule takes OrderPlaced instead of OrderFulfilled: sleighs would leave with gifts nobody has made yet.',
    failsAt: 1,
    edits: [{ find: "'detail-type': [EventTypes.OrderFulfilled]", replace: "'detail-type': [EventTypes.OrderPlaced]" }],
  },
  {
    name: 'noTopicPolicy',
    mistake: "The topic keeps SNS's default policy: LocalStack delivers anyway, AWS would drop every event EventBridge publishes.",
    failsAt: 1,
    edits: [{ find: 'new CreateTopicCommand({ Name: topicName, Attributes: { Policy: JSON.stringify(policy) } })', replace: 'new CreateTopicCommand({ Name: topicName })' }],
  },
  {
    name: 'queuePolicyForEventBridge',
    mistake: 'The queue policy of exercise 3, copied: it lets events.amazonaws.com send, but here the sender is SNS.',
    failsAt: 2,
    edits: [{ find: "Principal: { Service: 'sns.amazonaws.com' }", replace: "Principal: { Service: 'events.amazonaws.com' }" }],
  },
  {
    name: 'regionOnAttributes',
    mistake: 'The European sleigh filters on message attributes (the default scope), which EventBridge never sets: no order reaches it.',
    failsAt: 3,
    edits: [{ find: "{ filterPolicy: { detail: { region: ['europe'] } }, scope: 'MessageBody', raw: true }", replace: "{ filterPolicy: { region: ['europe'] }, raw: true }" }],
  },
  {
    name: 'weightAsString',
    mistake: 'A numeric filter with the number as a string ("20"): SNS refuses the policy at Subscribe, and deploy() stops.',
    failsAt: 3,
    edits: [{ find: "weightKg: [{ numeric: ['>', 20] }]", replace: "weightKg: [{ numeric: ['>', '20'] }]" }],
  },
  {
    name: 'heavyOffByOne',
    mistake: '">=" instead of ">": a gift of exactly 20 kg takes the heavy-lift sleigh.',
    failsAt: 3,
    edits: [{ find: "weightKg: [{ numeric: ['>', 20] }]", replace: "weightKg: [{ numeric: ['>=', 20] }]" }],
  },
  {
    name: 'sleighGetsEnvelope',
    mistake: "Raw delivery off for the North American sleigh: it gets SNS's envelope, not the order's event.",
    failsAt: 3,
    edits: [{ find: "{ filterPolicy: { detail: { region: ['north-america'] } }, scope: 'MessageBody', raw: true }", replace: "{ filterPolicy: { detail: { region: ['north-america'] } }, scope: 'MessageBody', raw: false }" }],
  },
  {
    name: 'stablesOnBody',
    mistake: 'The stables filter on the message body, and a delay notice is plain text: no notice reaches them.',
    failsAt: 4,
    edits: [{ find: "scope: 'MessageAttributes', raw: true", replace: "scope: 'MessageBody', raw: true" }],
  },
  {
    name: 'minutesAsString',
    mistake: 'announceDelay() sends minutes as a String attribute: a numeric filter never matches a String, so no notice reaches the stables.',
    failsAt: 4,
    edits: [{ find: "minutes: { DataType: 'Number', StringValue: String(notice.minutes) }", replace: "minutes: { DataType: 'String', StringValue: String(notice.minutes) }" }],
  },
  {
    name: 'auditFiltered',
    mistake: 'The audit only keeps fulfilled orders (a filter on detail-type): the delay notices go unrecorded.',
    failsAt: 5,
    edits: [{ find: 'subscribe(np, topicArn, audit, { raw: false })', replace: "subscribe(np, topicArn, audit, { filterPolicy: { 'detail-type': ['OrderFulfilled'] }, scope: 'MessageBody', raw: false })" }],
  },
  {
    name: 'auditRaw',
    mistake: 'Raw delivery on for the audit: it loses the MessageId, Timestamp and TopicArn it keeps the messages for.',
    failsAt: 5,
    edits: [{ find: 'subscribe(np, topicArn, audit, { raw: false })', replace: 'subscribe(np, topicArn, audit, { raw: true })' }],
  },
];
