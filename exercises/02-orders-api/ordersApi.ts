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

// Exercise 2: the orders API. Instructions: exercises/02-orders-api/README.md
// Grade it with `npm run exercise 2`; stuck? `npm run hint 2`.
// The kit deploys the reference orders bus of exercise 1 first and passes it in as ordersBus.

export async function deploy(np: NorthPole, ordersBus: OrdersBus): Promise<OrdersApi> {
  // TODO (Task 1): create the role np.name('orders-api') that apigateway.amazonaws.com may assume,
  // with an inline policy that allows events:PutEvents on ordersBus.busArn, and nothing more.
  const roleArn = '';

  // TODO (Task 2): create the REST API np.name('orders-api') with a resource /orders, a model
  // 'Order' (JSON Schema draft 4), a request validator that validates bodies, and a POST method
  // that uses both.
  const restApiId = '';

  // TODO (Task 3): integrate POST /orders with EventBridge PutEvents: type AWS, the role as
  // credentials, the X-Amz-Target and Content-Type headers, and a mapping template that turns the
  // order into one OrderPlaced entry on ordersBus.busName. Add a 200 method and integration response.

  // TODO (Task 4): deploy the API to the stage 'live'.
  const stageName = 'live';

  return { restApiId, stageName, roleArn };
}
