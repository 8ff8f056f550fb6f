import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

const ASL = 'fulfilment.asl.json';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'tableKeyedById',
    mistake: 'The handed-over table is changed to be keyed by "id", as in a tutorial, so the machine cannot put an order by its orderId: the policy of task 1 names a table that does not fit.',
    failsAt: 1,
    edits: [
      { find: "AttributeDefinitions: [{ AttributeName: 'orderId'", replace: "AttributeDefinitions: [{ AttributeName: 'id'" },
      { find: "KeySchema: [{ AttributeName: 'orderId'", replace: "KeySchema: [{ AttributeName: 'id'" },
    ],
  },
  {
    name: 'machineMayPutAnywhere',
    mistake: 'The machine may put items into every table: Resource "*" instead of the orders table.',
    failsAt: 1,
    edits: [{ find: "Action: 'dynamodb:PutItem', Resource: ordersTableArn", replace: "Action: 'dynamodb:PutItem', Resource: '*'" }],
  },
  {
    name: 'machineMayDoAnythingToTable',
    mistake: 'The machine may do anything to the orders table ("dynamodb:*"), delete it included, where it only puts items.',
    failsAt: 1,
    says: /dynamodb:\*/,
    edits: [{ find: "Action: 'dynamodb:PutItem', Resource: ordersTableArn", replace: "Action: 'dynamodb:*', Resource: ordersTableArn" }],
  },
  {
    name: 'machineMayNotSendMessage',
    mistake: 'The role has no sqs:SendMessage: LocalStack runs the machine anyway, AWS would fail the workshop task.',
    failsAt: 1,
    edits: [{ find: "          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: workshopQueueArn },\n", replace: '' }],
  },
  {
    name: 'missingNext',
    mistake: 'The workshop task has neither Next nor End: LocalStack accepts the machine, asl-validator does not.',
    failsAt: 2,
    edits: [{ file: ASL, find: '"ResultPath": null,\n      "Next": "Record the order"', replace: '"ResultPath": null' }],
  },
  {
    name: 'coalToTheWorkshop',
    mistake: 'The coal branch goes on to the workshop task, so the elves get orders from naughty children.',
    failsAt: 2,
    edits: [{ file: ASL, find: '"ResultPath": "$.fulfilment",\n      "Next": "Record the order"', replace: '"ResultPath": "$.fulfilment",\n      "Next": "Send to the workshop"' }],
  },
  {
    name: 'choiceReadsOrder',
    mistake: 'The Choice tests $.order.list, but the input is the whole event: the list is at $.detail.list, so every child gets a toy.',
    failsAt: 2,
    edits: [
      {
        file: ASL,
        find: '{ "Variable": "$.detail.list", "IsPresent": true },\n            { "Variable": "$.detail.list", "StringEquals": "naughty" }',
        replace: '{ "Variable": "$.order.list", "IsPresent": true },\n            { "Variable": "$.order.list", "StringEquals": "naughty" }',
      },
    ],
  },
  {
    name: 'listWithoutIsPresent',
    mistake: 'The Choice compares $.detail.list without asking whether it is there: LocalStack sends a child on neither list to the Default, AWS fails the execution with States.Runtime.',
    failsAt: 2,
    says: /"IsPresent": true[\s\S]*States\.Runtime/,
    edits: [
      {
        file: ASL,
        find: '"And": [\n            { "Variable": "$.detail.list", "IsPresent": true },\n            { "Variable": "$.detail.list", "StringEquals": "naughty" }\n          ],',
        replace: '"Variable": "$.detail.list",\n          "StringEquals": "naughty",',
      },
    ],
  },
  {
    name: 'choiceNiceGetsToy',
    mistake: 'The Choice sends "nice" to the toy and everything else, by its Default, to coal: a child on neither list gets coal.',
    failsAt: 2,
    says: /neither list/,
    edits: [
      { file: ASL, find: '{ "Variable": "$.detail.list", "StringEquals": "naughty" }\n          ],\n          "Next": "Coal"', replace: '{ "Variable": "$.detail.list", "StringEquals": "nice" }\n          ],\n          "Next": "Toy"' },
      { file: ASL, find: '"Default": "Toy"', replace: '"Default": "Coal"' },
    ],
  },
  {
    name: 'placeholdersLeftIn',
    mistake: 'deploy() creates the machine from the file as it is, so the tasks name a table "${OrdersTable}".',
    failsAt: 2,
    edits: [{ find: "name: np.name('fulfilment'), definition, roleArn", replace: "name: np.name('fulfilment'), definition: template, roleArn" }],
  },
  {
    name: 'mayStartAnyMachine',
    mistake: 'EventBridge may start every state machine in the account: Resource "*" instead of this machine.',
    failsAt: 3,
    edits: [{ find: "Action: 'states:StartExecution', Resource: stateMachineArn", replace: "Action: 'states:StartExecution', Resource: '*'" }],
  },
  {
    name: 'ruleMatchesOrderFulfilled',
    mistake: 'The rule matches every northpole event, so each OrderFulfilled the machine puts on the bus starts it again.',
    failsAt: 3,
    edits: [{ find: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] })", replace: "EventPattern: JSON.stringify({ source: [{ prefix: 'northpole.' }] })" }],
  },
  {
    name: 'ruleOnSourceOnly',
    mistake: 'The start rule matches on the source alone: any other event the orders department puts on the bus, an OrderCancelled, would fulfil an order.',
    failsAt: 3,
    says: /OrderCancelled/,
    edits: [{ find: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] })", replace: 'EventPattern: JSON.stringify({ source: [ORDERS_SOURCE] })' }],
  },
  {
    name: 'startRoleTrustsStates',
    mistake: "The handed-over start role's trust policy is changed to the machine role's: it trusts states.amazonaws.com, so EventBridge could not assume it.",
    failsAt: 3,
    says: /events\.amazonaws\.com/,
    edits: [{ find: "Principal: { Service: 'events.amazonaws.com' }", replace: "Principal: { Service: 'states.amazonaws.com' }" }],
  },
  {
    name: 'targetPassesDetail',
    mistake: 'The target passes only the detail (InputPath "$.detail"): LocalStack cannot start the machine from it, and the machine reads $.detail.',
    failsAt: 3,
    edits: [{ find: "Arn: stateMachineArn, RoleArn: startRole!.Arn }", replace: "Arn: stateMachineArn, RoleArn: startRole!.Arn, InputPath: '$.detail' }" }],
  },
  {
    name: 'itemReadsOrder',
    mistake: 'The putItem task reads $.order.orderId: the execution fails at run time, which the grader explains.',
    failsAt: 4,
    edits: [{ file: ASL, find: '"S.$": "$.detail.orderId"', replace: '"S.$": "$.order.orderId"' }],
  },
  {
    name: 'workshopResultReplacesOrder',
    mistake: 'Without "ResultPath": null the queue\'s answer replaces the state, and the next task finds no $.detail.',
    failsAt: 4,
    edits: [{ file: ASL, find: '"MessageBody.$": "$.detail"\n      },\n      "ResultPath": null,\n', replace: '"MessageBody.$": "$.detail"\n      },\n' }],
  },
  {
    name: 'fulfilledFromOrdersSource',
    mistake: 'OrderFulfilled is put with the source of the orders department: consumers of fulfilment events never see it.',
    failsAt: 4,
    edits: [{ file: ASL, find: '"Source": "northpole.fulfilment"', replace: '"Source": "northpole.orders"' }],
  },
  {
    name: 'quantityAsJsonNumber',
    mistake: 'The quantity goes to DynamoDB as a JSON number ("N.$": "$.detail.quantity"): LocalStack stores it, AWS fails the task, since an N value must be a string.',
    failsAt: 4,
    says: /LocalStack accepts this[\s\S]*must be a STRING/,
    edits: [{ file: ASL, find: '"N.$": "States.JsonToString($.detail.quantity)"', replace: '"N.$": "$.detail.quantity"' }],
  },
  {
    name: 'itemWithoutGift',
    mistake: 'The item leaves out the gift: the execution succeeds, and the table no longer says what the child asked for.',
    failsAt: 4,
    says: /gift should be/,
    edits: [{ file: ASL, find: '          "gift": { "S.$": "$.detail.gift" },\n', replace: '' }],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'The grader reads the role back and turns away `"*"` and `"dynamodb:*"`.',
    provedBy: ['machineMayPutAnywhere', 'machineMayDoAnythingToTable'],
  },
  {
    sentence: 'LocalStack takes the `Default` instead, so the grader reads your rule.',
    provedBy: ['listWithoutIsPresent'],
  },
  {
    sentence: 'LocalStack stores it and AWS fails the task, so the grader reads what your task really sent DynamoDB.',
    provedBy: ['quantityAsJsonNumber'],
  },
  {
    sentence: 'The grader checks the file with [asl-validator](https://www.npmjs.com/package/asl-validator) before anything else',
    provedBy: ['missingNext'],
  },
  {
    sentence: 'It then asks Step Functions to validate the deployed definition',
    provedBy: ['coalToTheWorkshop', 'choiceReadsOrder', 'choiceNiceGetsToy'],
  },
  {
    sentence: 'The grader tries your pattern on an `OrderFulfilled`',
    provedBy: ['ruleMatchesOrderFulfilled', 'ruleOnSourceOnly'],
  },
  {
    sentence: 'The grader reads the table, the queue, both roles and their policies, the machine and the rule from LocalStack',
    provedBy: ['tableKeyedById', 'machineMayNotSendMessage', 'mayStartAnyMachine', 'startRoleTrustsStates', 'targetPassesDetail', 'placeholdersLeftIn'],
  },
  {
    sentence: 'Then real traffic: it puts a nice and a naughty `OrderPlaced` on the orders bus',
    provedBy: ['itemReadsOrder', 'workshopResultReplacesOrder', 'fulfilledFromOrdersSource', 'itemWithoutGift', 'quantityAsJsonNumber'],
  },
];
