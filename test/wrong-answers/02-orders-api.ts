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
    mistake:
      "The integration's credentials name the role instead of giving its ARN: PutIntegration refuses them (LocalStack speaks of a cross-account role), deploy() stops, and LocalStack's TestInvokeMethod then fails inside on the method left without an integration.",
    failsAt: 3,
    says: /role's ARN/,
    edits: [{ find: '      credentials: roleArn,\n', replace: '      credentials: roleName,\n' }],
  },
  {
    name: 'deploymentBeforeIntegration',
    mistake:
      'The API is deployed before its integration is put: CreateDeployment refuses a method without one, deploy() stops there, and POST /orders never gets its integration.',
    failsAt: 3,
    says: /no integration/,
    edits: [
      { find: "  const stageName = 'live';\n  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));\n", replace: '' },
      {
        find: '  // Task 3: no code in between',
        replace:
          "  const stageName = 'live';\n  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));\n  // Task 3: no code in between",
      },
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
  {
    name: 'starterRole',
    mistake: "Task 1 as the starter ships it: no role, and roleArn stays ''.",
    failsAt: 1,
    starterPart: true,
    edits: [
      {
        find: `  const roleName = np.name('orders-api');
  const { Role } = await np.iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const roleArn = Role!.Arn!;
  await np.iam.send(
    new PutRolePolicyCommand({
      RoleName: roleName,
      PolicyName: 'put-orders',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: ordersBus.busArn }],
      }),
    }),
  );

  // Task 2`,
        replace: `  const roleArn = '';

  // TODO (Task 2)`,
      },
      {
        find: `  // Task 1: a role API Gateway assumes to call PutEvents on the orders bus, and nothing else
`,
        replace: `  // TODO (Task 1): create the role np.name('orders-api') that apigateway.amazonaws.com may assume,
  // with an inline policy that allows events:PutEvents on ordersBus.busArn, and nothing more.
`,
      },
    ],
  },
  {
    name: 'starterRestApi',
    mistake: "Task 2 as the starter ships it: no REST API, and restApiId stays ''.",
    failsAt: 2,
    starterPart: true,
    edits: [
      {
        find: `  // Task 2: the REST API, POST /orders, and an Order model the body is validated against
  const { id: restApiId } = await np.apiGateway.send(new CreateRestApiCommand({ name: np.name('orders-api') }));
  const { items = [] } = await np.apiGateway.send(new GetResourcesCommand({ restApiId }));
  const root = items.find((resource) => resource.path === '/')!;
  const { id: resourceId } = await np.apiGateway.send(new CreateResourceCommand({ restApiId, parentId: root.id, pathPart: 'orders' }));
  await np.apiGateway.send(
    new CreateModelCommand({
      restApiId,
      name: 'Order',
      contentType: 'application/json',
      schema: JSON.stringify({
        $schema: 'http://json-schema.org/draft-04/schema#',
        title: 'Order',
        type: 'object',
        required: ['orderId', 'child', 'gift', 'quantity'],
        properties: {
          orderId: { type: 'string', minLength: 1 },
          child: { type: 'string', minLength: 1 },
          gift: { type: 'string', minLength: 1 },
          quantity: { type: 'integer', minimum: 1 },
          weightKg: { type: 'number', minimum: 0 },
          list: { type: 'string', enum: ['nice', 'naughty'] },
        },
      }),
    }),
  );
  const { id: requestValidatorId } = await np.apiGateway.send(
    new CreateRequestValidatorCommand({ restApiId, name: 'body', validateRequestBody: true, validateRequestParameters: false }),
  );
  await np.apiGateway.send(
    new PutMethodCommand({
      restApiId,
      resourceId,
      httpMethod: 'POST',
      authorizationType: 'NONE',
      requestValidatorId,
      requestModels: { 'application/json': 'Order' },
    }),
  );
`,
        replace: `  // TODO (Task 2): create the REST API np.name('orders-api') with a resource /orders, a model
  // 'Order' (JSON Schema draft 4), a request validator that validates bodies, and a POST method
  // that uses both.
  const restApiId = '';
`,
      },
    ],
  },
  {
    name: 'starterIntegration',
    mistake: 'Task 3 as the starter ships it: POST /orders has no integration, so no order reaches the bus.',
    failsAt: 3,
    starterPart: true,
    edits: [
      {
        find: `  // Task 3: no code in between: API Gateway calls EventBridge's PutEvents itself
  await np.apiGateway.send(
    new PutIntegrationCommand({
      restApiId,
      resourceId,
      httpMethod: 'POST',
      type: 'AWS',
      integrationHttpMethod: 'POST',
      uri: \`arn:aws:apigateway:\${np.region}:events:action/PutEvents\`,
      credentials: roleArn,
      requestParameters: {
        'integration.request.header.X-Amz-Target': "'AWSEvents.PutEvents'",
        'integration.request.header.Content-Type': "'application/x-amz-json-1.1'",
      },
      requestTemplates: {
        'application/json': JSON.stringify({
          Entries: [{ EventBusName: ordersBus.busName, Source: 'northpole.orders', DetailType: 'OrderPlaced', Detail: '$util.escapeJavaScript($input.body)' }],
        }),
      },
      // Bodies of other content types would reach EventBridge untransformed.
      passthroughBehavior: 'NEVER',
    }),
  );
  await np.apiGateway.send(new PutMethodResponseCommand({ restApiId, resourceId, httpMethod: 'POST', statusCode: '200' }));
  await np.apiGateway.send(new PutIntegrationResponseCommand({ restApiId, resourceId, httpMethod: 'POST', statusCode: '200' }));
`,
        replace: `  // TODO (Task 3): integrate POST /orders with EventBridge PutEvents: type AWS, the role as
  // credentials, the X-Amz-Target and Content-Type headers, and a mapping template that turns the
  // order into one OrderPlaced entry on ordersBus.busName. Add a 200 method and integration response.
`,
      },
    ],
  },
  {
    name: 'starterDeployment',
    mistake: 'Task 4 as the starter ships it: the stage is named, but the API is never deployed to it.',
    failsAt: 4,
    starterPart: true,
    edits: [
      {
        find: `  // Task 4: a deployment makes the API callable at the live stage
  const stageName = 'live';
  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));
`,
        replace: `  // TODO (Task 4): deploy the API to the stage 'live'.
  const stageName = 'live';
`,
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
    sentence: "LocalStack's `TestInvokeMethod` fails inside on a method without an integration",
    provedBy: ['deploymentBeforeIntegration', 'credentialsRoleName'],
  },
  {
    sentence: 'Then it sends real requests to the `live` stage: a good order must get `200`',
    provedBy: ['notDeployed', 'minimumAfterDeployment'],
  },
];
