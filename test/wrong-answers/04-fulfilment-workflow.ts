import type { WrongAnswer } from './wrongAnswer.ts';

const ASL = 'fulfilment.asl.json';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'tableKeyedById',
    mistake: 'The table is keyed by "id", as in a tutorial, so the machine cannot put an order by its orderId.',
    failsAt: 1,
    edits: [
      { find: "AttributeDefinitions: [{ AttributeName: 'orderId'", replace: "AttributeDefinitions: [{ AttributeName: 'id'" },
      { find: "KeySchema: [{ AttributeName: 'orderId'", replace: "KeySchema: [{ AttributeName: 'id'" },
    ],
  },
  {
    name: 'machineMayPutAnywhere',
    mistake: 'The machine may put items into every table: Resource "*" instead of the orders table.',
    failsAt: 2,
    edits: [{ find: "Action: 'dynamodb:PutItem', Resource: ordersTableArn", replace: "Action: 'dynamodb:PutItem', Resource: '*'" }],
  },
  {
    name: 'machineMayNotSendMessage',
    mistake: 'The role has no sqs:SendMessage: LocalStack runs the machine anyway, AWS would fail the workshop task.',
    failsAt: 2,
    edits: [{ find: "          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: workshopQueueArn },\n", replace: '' }],
  },
  {
    name: 'missingNext',
    mistake: 'The workshop task has neither Next nor End: LocalStack accepts the machine, asl-validator does not.',
    failsAt: 3,
    edits: [{ file: ASL, find: '"ResultPath": null,\n      "Next": "Record the order"', replace: '"ResultPath": null' }],
  },
  {
    name: 'coalToTheWorkshop',
    mistake: 'The coal branch goes on to the workshop task, so the elves get orders from naughty children.',
    failsAt: 3,
    edits: [{ file: ASL, find: '"ResultPath": "$.fulfilment",\n      "Next": "Record the order"', replace: '"ResultPath": "$.fulfilment",\n      "Next": "Send to the workshop"' }],
  },
  {
    name: 'choiceReadsOrder',
    mistake: 'The Choice tests $.order.list, but the input is the whole event: the list is at $.detail.list, so every child gets a toy.',
    failsAt: 3,
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
    failsAt: 3,
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
    name: 'placeholdersLeftIn',
    mistake: 'deploy() creates the machine from the file as it is, so the tasks name a table "${OrdersTable}".',
    failsAt: 3,
    edits: [{ find: "name: np.name('fulfilment'), definition, roleArn", replace: "name: np.name('fulfilment'), definition: template, roleArn" }],
  },
  {
    name: 'mayStartAnyMachine',
    mistake: 'EventBridge may start every state machine in the account: Resource "*" instead of this machine.',
    failsAt: 4,
    edits: [{ find: "Action: 'states:StartExecution', Resource: stateMachineArn", replace: "Action: 'states:StartExecution', Resource: '*'" }],
  },
  {
    name: 'ruleMatchesOrderFulfilled',
    mistake: 'The rule matches every northpole event, so each OrderFulfilled the machine puts on the bus starts it again.',
    failsAt: 4,
    edits: [{ find: "EventPattern: JSON.stringify({ source: [ORDERS_SOURCE], 'detail-type': [EventTypes.OrderPlaced] })", replace: "EventPattern: JSON.stringify({ source: [{ prefix: 'northpole.' }] })" }],
  },
  {
    name: 'targetPassesDetail',
    mistake: 'The target passes only the detail (InputPath "$.detail"): LocalStack cannot start the machine from it, and the machine reads $.detail.',
    failsAt: 4,
    edits: [{ find: "Arn: stateMachineArn, RoleArn: startRole!.Arn }", replace: "Arn: stateMachineArn, RoleArn: startRole!.Arn, InputPath: '$.detail' }" }],
  },
  {
    name: 'itemReadsOrder',
    mistake: 'The putItem task reads $.order.orderId: the execution fails at run time, which the grader explains.',
    failsAt: 5,
    edits: [{ file: ASL, find: '"S.$": "$.detail.orderId"', replace: '"S.$": "$.order.orderId"' }],
  },
  {
    name: 'workshopResultReplacesOrder',
    mistake: 'Without "ResultPath": null the queue\'s answer replaces the state, and the next task finds no $.detail.',
    failsAt: 5,
    edits: [{ file: ASL, find: '"MessageBody.$": "$.detail"\n      },\n      "ResultPath": null,\n', replace: '"MessageBody.$": "$.detail"\n      },\n' }],
  },
  {
    name: 'fulfilledFromOrdersSource',
    mistake: 'OrderFulfilled is put with the source of the orders department: consumers of fulfilment events never see it.',
    failsAt: 5,
    edits: [{ file: ASL, find: '"Source": "northpole.fulfilment"', replace: '"Source": "northpole.orders"' }],
  },
];
