import {
  CreateDeploymentCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { NorthPole } from '#northpole/northPole';
import type { OrdersApi, OrdersBus } from '#northpole/contracts';

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<OrdersApi> {
  // Task 1: a role API Gateway assumes to call PutEvents on the orders bus, and nothing else
  const roleName = np.name('orders-api');
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

  // Task 2: the REST API, POST /orders, and an Order model the body is validated against
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

  // Task 3: no code in between: API Gateway calls EventBridge's PutEvents itself
  await np.apiGateway.send(
    new PutIntegrationCommand({
      restApiId,
      resourceId,
      httpMethod: 'POST',
      type: 'AWS',
      integrationHttpMethod: 'POST',
      uri: `arn:aws:apigateway:${np.region}:events:action/PutEvents`,
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

  // Task 4: a deployment makes the API callable at the live stage
  const stageName = 'live';
  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));

  return { restApiId: restApiId!, stageName, roleArn };
}
