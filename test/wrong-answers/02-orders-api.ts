import type { ReadmePromise, WrongAnswer } from './wrongAnswer.ts';

export const wrongAnswers: WrongAnswer[] = [
  {
    name: 'policyOnEveryBus',
    mistake: 'The role may put events on every bus in the account: Resource "*" instead of the orders bus.',
    failsAt: 1,
    edits: [{ find: 'Resource: ordersBus.busArn', replace: "Resource: '*'" }],
  },
  {
    name: 'policyForAllEventActions',
    mistake: 'The role may do anything to the orders bus ("events:*"), deleting it included, where it only puts events.',
    failsAt: 1,
    says: /events:\*/,
    edits: [{ find: "Action: 'events:PutEvents', Resource: ordersBus.busArn", replace: "Action: 'events:*', Resource: ordersBus.busArn" }],
  },
  {
    name: 'trustsLambda',
    mistake: 'The trust policy is copied from a Lambda example, so API Gateway may not assume the role.',
    failsAt: 1,
    edits: [{ find: "Principal: { Service: 'apigateway.amazonaws.com' }", replace: "Principal: { Service: 'lambda.amazonaws.com' }" }],
  },
  {
    name: 'noRequestValidator',
    mistake: 'The method names the Order model but no request validator, so nothing checks bodies against it.',
    failsAt: 2,
    edits: [{ find: '      requestValidatorId,\n', replace: '' }],
  },
  {
    name: 'missingTargetHeader',
    mistake: 'Without the X-Amz-Target header EventBridge does not know which operation is called.',
    failsAt: 3,
    edits: [{ find: `        'integration.request.header.X-Amz-Target': "'AWSEvents.PutEvents'",\n`, replace: '' }],
  },
  {
    name: 'detailNotEscaped',
    mistake: 'The order is pasted into Detail unescaped, so its quotes break the JSON of the PutEvents request.',
    failsAt: 3,
    edits: [{ find: "Detail: '$util.escapeJavaScript($input.body)'", replace: "Detail: '$input.body'" }],
  },
  {
    name: 'noEventBusName',
    mistake: 'The entry names no bus, so EventBridge puts the order on the default bus, where no rule sends it to the elves.',
    failsAt: 3,
    edits: [{ find: 'EventBusName: ordersBus.busName, ', replace: '' }],
  },
  {
    name: 'credentialsRoleName',
    mistake: "The integration's credentials name the role instead of giving its ARN: PutIntegration refuses them (LocalStack speaks of a cross-account role), deploy() stops, and LocalStack's TestInvokeMethod then fails inside on the method left without an integration.",
    failsAt: 3,
    says: /role's ARN/,
    edits: [{ find: '      credentials: roleArn,\n', replace: '      credentials: roleName,\n' }],
  },
  {
    name: 'deploymentBeforeIntegration',
    mistake: 'The API is deployed before its integration is put: CreateDeployment refuses a method without one, deploy() stops there, and POST /orders never gets its integration.',
    failsAt: 3,
    says: /no integration/,
    edits: [
      { find: "  const stageName = 'live';\n  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));\n", replace: '' },
      { find: '  // Task 3: no code in between', replace: "  const stageName = 'live';\n  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));\n  // Task 3: no code in between" },
    ],
  },
  {
    name: 'notDeployed',
    mistake: 'The API is never deployed, so there is no live stage to send orders to.',
    failsAt: 4,
    edits: [{ find: '  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));\n', replace: '' }],
  },
  {
    name: 'quantityWithoutMinimum',
    mistake: 'The model says quantity is an integer but not that it is at least 1, so an order for 0 gifts becomes an event.',
    failsAt: 2,
    edits: [{ find: "quantity: { type: 'integer', minimum: 1 }", replace: "quantity: { type: 'integer' }" }],
  },
  {
    name: 'quantityAsNumber',
    mistake: 'The model types quantity as a number, so an order for 1.5 gifts passes validation.',
    failsAt: 2,
    edits: [{ find: "quantity: { type: 'integer', minimum: 1 }", replace: "quantity: { type: 'number', minimum: 1 }" }],
  },
  {
    name: 'minimumAfterDeployment',
    mistake: 'The minimum is added to the model after CreateDeploymentCommand, so the live stage still serves the model without it.',
    failsAt: 4,
    looksAt: 2,
    edits: [
      { find: "quantity: { type: 'integer', minimum: 1 }", replace: "quantity: { type: 'integer' }" },
      { find: '  CreateResourceCommand,\n', replace: '  CreateResourceCommand,\n  UpdateModelCommand,\n' },
      {
        find: '  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));\n',
        replace:
          '  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));\n' +
          "  const strict = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['orderId', 'child', 'gift', 'quantity'], properties: { quantity: { type: 'integer', minimum: 1 } } };\n" +
          "  await np.apiGateway.send(new UpdateModelCommand({ restApiId, modelName: 'Order', patchOperations: [{ op: 'replace', path: '/schema', value: JSON.stringify(strict) }] }));\n",
      },
    ],
  },
];

export const promises: ReadmePromise[] = [
  {
    sentence: 'The grader turns away a policy that would also let the API put events on other buses, or do anything else to the orders bus.',
    provedBy: ['policyOnEveryBus', 'policyForAllEventActions'],
  },
  {
    sentence: 'The grader reads the role and its policies back through the IAM API.',
    provedBy: ['trustsLambda', 'policyOnEveryBus'],
  },
  {
    sentence: 'The grader reads the role, its policies, the API, its model, validator and integration from LocalStack.',
    provedBy: ['trustsLambda', 'noRequestValidator', 'missingTargetHeader'],
  },
  {
    sentence: 'It asks API Gateway (`TestInvokeMethod`) how your model answers a good order',
    provedBy: ['quantityWithoutMinimum', 'quantityAsNumber', 'detailNotEscaped', 'noEventBusName'],
  },
  {
    sentence: 'LocalStack\'s `TestInvokeMethod` fails inside on a method without an integration',
    provedBy: ['deploymentBeforeIntegration', 'credentialsRoleName'],
  },
  {
    sentence: 'Then it sends real requests to the `live` stage: a good order must get `200`',
    provedBy: ['notDeployed', 'minimumAfterDeployment'],
  },
];
