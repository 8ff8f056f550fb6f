import {
  GetIntegrationCommand,
  GetMethodCommand,
  GetModelCommand,
  GetRequestValidatorCommand,
  GetStageCommand,
  GetStagesCommand,
} from '@aws-sdk/client-api-gateway';
import { busArn, PUT_EVENTS_INTEGRATION } from '../kit/aws/arns.ts';
import { EventTypes, ORDERS_SOURCE, type Order, type OrdersBus } from '../kit/contracts.ts';
import { EnvironmentError } from '../kit/environmentError.ts';
import { Deadline } from '../kit/grading/checks/deadline.ts';
import { executionLogEntry, ifExists } from '../kit/grading/checks/evidence.ts';
import { Miss, defineGrader, deployedValue, type GradingContext } from '../kit/grading/checks/grader.ts';
import { DELIVERY_DEADLINE_MS, type BusEvent } from '../kit/grading/checks/observe.ts';
import { OrderPath } from '../kit/grading/checks/orderPath.ts';
import { answerTo, loggedFailure, loggedHeader, oneLine, postToStage, resourceAt, restApiNamed, type Answer } from '../kit/grading/checks/restApis.ts';
import { checkGrants, checkTrust, namespacedRole } from '../kit/grading/checks/roles.ts';

const STAGE = 'live';

const ordersApiRole = (context: GradingContext) => namespacedRole(context, 'orders-api');

const sampleOrder = (orderId: string): Order => ({ orderId, child: 'Ada', gift: 'wooden sled', quantity: 1 });

/** What the integration request must look like for EventBridge to put the order on the bus; empty when it does. */
function putEventsProblems(body: string, bus: OrdersBus, order: Order): string[] {
  let parsed: { Entries?: Record<string, unknown>[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch (error) {
    return [`it is not valid JSON (${(error as Error).message}); Detail must be the order as an escaped string: "$util.escapeJavaScript($input.body)"`];
  }
  if (!Array.isArray(parsed?.Entries) || parsed.Entries.length !== 1) return ['"Entries" should be a list of exactly one entry'];
  const [entry] = parsed.Entries;
  const shown = (field: string) => (entry[field] === undefined ? 'it is missing' : `not ${JSON.stringify(entry[field])}`);
  const problems: string[] = [];
  if (entry.EventBusName !== bus.busName && entry.EventBusName !== bus.busArn) {
    problems.push(`EventBusName should be "${bus.busName}", ${shown('EventBusName')} (without it the event goes to the default bus)`);
  }
  if (entry.Source !== ORDERS_SOURCE) problems.push(`Source should be "${ORDERS_SOURCE}", ${shown('Source')}`);
  if (entry.DetailType !== EventTypes.OrderPlaced) problems.push(`DetailType should be "${EventTypes.OrderPlaced}", ${shown('DetailType')}`);
  let detail: unknown;
  try {
    detail = typeof entry.Detail === 'string' ? JSON.parse(entry.Detail) : undefined;
  } catch {
    detail = undefined;
  }
  if ((detail as Order | undefined)?.orderId !== order.orderId) {
    problems.push(`Detail should be the order as a JSON string (with orderId "${order.orderId}"), ${shown('Detail')}`);
  }
  return problems;
}

/** The emulator could not answer and nothing else could: not a verdict on the learner's work. */
function emulatorError(reason: string, credentials: string | undefined): EnvironmentError {
  const notAnArn = credentials && !credentials.startsWith('arn:');
  return new EnvironmentError(
    'LocalStack could not run POST /orders for the grader',
    `${reason}.`,
    `${notAnArn ? `The integration's credentials are "${credentials}", a role's name, and LocalStack fails inside on that: give the role's ARN (AWS refuses a name at PutIntegration). ` : ''}` +
      'Deploy the API to the live stage (Task 4) and grade again: the grader then sends a real request instead. If it goes on, restart LocalStack (`npm run localstack -- stop`, then grade again).',
  );
}

/** The model read rather than tried, for when API Gateway cannot run the method yet: what makes 0, 1.5 and "two" fail. */
function modelReading(modelName: string, schema: string): Miss | undefined {
  const quantity = (JSON.parse(schema) as { properties?: { quantity?: { type?: unknown; minimum?: unknown; exclusiveMinimum?: unknown } } }).properties
    ?.quantity;
  const atLeastOne = quantity?.minimum === 1 || (quantity?.minimum === 0 && quantity.exclusiveMinimum === true);
  if (quantity?.type === 'integer' && atLeastOne) return undefined;
  return new Miss({
    expected: `the model ${modelName} to say quantity is an integer, at least 1: "quantity": { "type": "integer", "minimum": 1 }`,
    found: `"quantity": ${JSON.stringify(quantity)}; the schema is ${schema}`,
  });
}

/**
 * The model as API Gateway applies it: the validator checks a body against the method's model before
 * anything else, so each sample shows what it lets through. A body that passes goes on to EventBridge
 * for real, under an orderId the traffic of task 4 never uses.
 */
async function checkOrderModel(context: GradingContext, restApiId: string, resourceId: string, modelName: string, schema: string): Promise<void> {
  const validated = async (quantity: unknown) => {
    const order = { ...sampleOrder(`model-check-${context.namespace}`), quantity };
    const answer = await answerTo(context, { restApiId, resourceId, stage: STAGE, path: '/orders' }, order);
    return { order, answer, rejected: typeof answer !== 'string' && answer.status === 400 && /Invalid request body/i.test(answer.body) };
  };
  const samples = [
    [2, ''],
    [0, 'at least 1'],
    [1.5, 'an integer (type "integer", not "number")'],
    ['two', 'an integer, not a string'],
  ] as const;
  for (const [quantity, why] of samples) {
    const { order, answer, rejected } = await validated(quantity);
    if (typeof answer !== 'string' && answer.via === 'the stage' && quantity === 2) {
      context.note("The model was tried with real requests to the live stage: LocalStack's TestInvokeMethod failed inside on this method.");
    }
    if (typeof answer === 'string') {
      const integration = await ifExists(() => context.aws.apiGateway.send(new GetIntegrationCommand({ restApiId, resourceId, httpMethod: 'POST' })));
      if (integration) throw emulatorError(answer, integration.credentials);
      // Without an integration API Gateway cannot run the method at all: the model is read, and task 4 tries it.
      context.note(`The model was read, not tried: POST /orders has no integration yet, and ${answer}. Task 4 sends it real requests.`);
      const problem = modelReading(modelName, schema);
      if (problem) throw problem;
      return;
    }
    if (quantity === 2 && rejected) {
      throw new Miss({
        expected: `the model ${modelName} to accept a good order, ${JSON.stringify(order)}`,
        found: `the validator turns it away with 400 (${answer.via}); the schema is ${schema}`,
      });
    }
    if (quantity !== 2 && !rejected) {
      throw new Miss({
        expected: `the model ${modelName} to reject an order with quantity ${JSON.stringify(quantity)}: quantity must be ${why}`,
        found: `the validator lets ${JSON.stringify(order)} through (${answer.via} answered ${answer.status}); the schema is ${schema}`,
      });
    }
  }
}

/**
 * Task 3 without TestInvokeMethod: the sample order sent to the live stage, and the event it must put
 * on the bus. The rendered request cannot be shown, but the event says whether it was right.
 */
async function checkByTraffic(context: GradingContext, order: Order, reply: Answer): Promise<void> {
  const observer = await context.observers.bus(context.contract(1).busName);
  context.note("Checked with a real request to the live stage: LocalStack's TestInvokeMethod failed inside on this integration.");
  const toBus = new Deadline(DELIVERY_DEADLINE_MS);
  const event = await observer.waitFor((candidate) => candidate.detail?.orderId === order.orderId, toBus, `order ${order.orderId} on ${observer.busName}`);
  if (!event || event.source !== ORDERS_SOURCE || event['detail-type'] !== EventTypes.OrderPlaced) {
    throw new Miss({
      expected: `POST /orders with ${JSON.stringify(order)} to put it on ${observer.busName} as {"Source":"${ORDERS_SOURCE}","DetailType":"${EventTypes.OrderPlaced}","Detail":"<the order, escaped>"} (LocalStack's TestInvokeMethod failed inside, so a real request to the live stage was sent instead)`,
      found: `the stage answered ${reply.status} ${reply.body}, and ${event ? `the event came with source "${event.source}" and detail-type "${event['detail-type']}"` : `no event for it arrived ${toBus.within()}`}`,
    });
  }
}

const describeEvents = (events: BusEvent[]) =>
  events.map((event) => `${event.source}/${event['detail-type']} orderId ${JSON.stringify(event.detail?.orderId)}`).join(', ');

async function apiRole(context: GradingContext<2>): Promise<void> {
  const role = await ordersApiRole(context);
  checkTrust(role, 'apigateway.amazonaws.com');
  // Least privilege: the API may put events on the orders bus, and do nothing else.
  await checkGrants(context, role, [
    {
      action: 'events:PutEvents',
      resource: context.contract(1).busArn,
      what: 'the orders bus',
      why: 'API Gateway puts each order there',
      other: busArn('default'),
      notAction: 'events:DeleteEventBus',
    },
  ]);
}

async function ordersMethodAndModel(context: GradingContext<2>): Promise<void> {
  const api = await restApiNamed(context, 'orders-api');
  const resource = await resourceAt(context, api.id!, '/orders');
  const method = await ifExists(() => context.aws.apiGateway.send(new GetMethodCommand({ restApiId: api.id, resourceId: resource.id, httpMethod: 'POST' })));
  if (!method) {
    const methods = Object.keys(resource.resourceMethods ?? {});
    throw new Miss({ expected: 'a POST method on /orders (PutMethodCommand)', found: methods.length ? `only ${methods.join(', ')}` : 'no methods on /orders' });
  }
  const validator = method.requestValidatorId
    ? await ifExists(() => context.aws.apiGateway.send(new GetRequestValidatorCommand({ restApiId: api.id, requestValidatorId: method.requestValidatorId })))
    : undefined;
  if (validator?.validateRequestBody !== true) {
    throw new Miss({
      expected: 'POST /orders to use a request validator with validateRequestBody: true (requestValidatorId), so that bad orders get 400',
      found: validator
        ? `the validator ${JSON.stringify(validator.name)} with validateRequestBody ${validator.validateRequestBody}`
        : 'no request validator on the method: API Gateway would pass every body on, even an order without a gift',
    });
  }
  const modelName = method.requestModels?.['application/json'];
  if (!modelName) {
    throw new Miss({
      expected: "a request model for application/json on POST /orders (requestModels: { 'application/json': 'Order' })",
      found:
        method.requestModels && Object.keys(method.requestModels).length
          ? `requestModels ${JSON.stringify(method.requestModels)}`
          : 'no request models: the validator has nothing to check bodies against',
    });
  }
  const model = await ifExists(() => context.aws.apiGateway.send(new GetModelCommand({ restApiId: api.id, modelName })));
  if (!model)
    throw new Miss({ expected: `the model ${modelName} that POST /orders names to exist on the API`, found: 'no model with that name (CreateModelCommand)' });
  let required: unknown;
  try {
    required = (JSON.parse(model.schema ?? '') as { required?: unknown }).required;
  } catch (error) {
    throw new Miss({
      expected: `the schema of the model ${modelName} to be JSON (JSON Schema draft 4)`,
      found: `${model.schema} (${(error as Error).message})`,
    });
  }
  const missing = ['orderId', 'child', 'gift', 'quantity'].filter((field) => !Array.isArray(required) || !required.includes(field));
  if (missing.length > 0) {
    throw new Miss({
      expected: `the model ${modelName} to require orderId, child, gift and quantity ("required": [...] in its schema)`,
      found: `${missing.join(', ')} not required; the schema is ${model.schema}`,
    });
  }
  await checkOrderModel(context, api.id!, resource.id!, modelName, model.schema ?? '');
}

async function putEventsIntegration(context: GradingContext<2>): Promise<void> {
  const bus = context.contract(1);
  const api = await restApiNamed(context, 'orders-api');
  const resource = await resourceAt(context, api.id!, '/orders');
  const integration = await ifExists(() =>
    context.aws.apiGateway.send(new GetIntegrationCommand({ restApiId: api.id, resourceId: resource.id, httpMethod: 'POST' })),
  );
  if (!integration) {
    // LocalStack refuses credentials that are not a role ARN with a message about cross-account roles.
    const refused = context.deployed.kind === 'threw' && /pass role|Invalid ARN/i.test(context.deployed.message);
    throw new Miss({
      expected: 'an integration on POST /orders (PutIntegrationCommand)',
      found: refused
        ? "no integration: PutIntegration refused its credentials, which must be the role's ARN (arn:aws:iam::…:role/…), not its name"
        : 'no integration',
    });
  }
  if (integration.type !== 'AWS' || integration.uri !== PUT_EVENTS_INTEGRATION || integration.httpMethod !== 'POST') {
    throw new Miss({
      expected: `an integration of type AWS, integrationHttpMethod POST, uri ${PUT_EVENTS_INTEGRATION}`,
      found: `type ${integration.type}, integrationHttpMethod ${integration.httpMethod}, uri ${integration.uri}`,
    });
  }
  const role = await ordersApiRole(context);
  if (integration.credentials !== role.Arn) {
    throw new Miss({
      expected: `the integration's credentials to be the role from task 1, ${role.Arn}`,
      found: integration.credentials
        ? `credentials ${integration.credentials}`
        : 'no credentials: API Gateway would call EventBridge with no right to put events',
    });
  }
  if (!integration.requestTemplates?.['application/json']) {
    throw new Miss({
      expected: "a mapping template for application/json (requestTemplates: { 'application/json': ... }) that writes the PutEvents request",
      found:
        integration.requestTemplates && Object.keys(integration.requestTemplates).length
          ? `templates for ${Object.keys(integration.requestTemplates).join(', ')}`
          : 'no mapping templates',
    });
  }

  const method = await context.aws.apiGateway.send(new GetMethodCommand({ restApiId: api.id, resourceId: resource.id, httpMethod: 'POST' }));
  if (!method.methodResponses?.['200'] || !integration.integrationResponses?.['200']) {
    throw new Miss({
      expected:
        'a 200 method response (PutMethodResponseCommand) and a 200 integration response (PutIntegrationResponseCommand) on POST /orders, put after the integration',
      found: `method responses ${Object.keys(method.methodResponses ?? {}).join(', ') || '(none)'} and integration responses ${Object.keys(integration.integrationResponses ?? {}).join(', ') || '(none)'}`,
    });
  }

  // TestInvokeMethod shows the request API Gateway sends EventBridge. It calls EventBridge for
  // real, so the order has an id of its own that the traffic of task 4 never uses.
  const order = sampleOrder(`render-check-${context.namespace}`);
  const test = await answerTo(context, { restApiId: api.id!, resourceId: resource.id!, stage: STAGE, path: '/orders' }, order);
  if (typeof test === 'string') throw emulatorError(test, integration.credentials);
  if (test.via === 'the stage') {
    await checkByTraffic(context, order, test);
    return;
  }
  const body = executionLogEntry(test.log, 'Endpoint request body after transformations');
  if (body === undefined) {
    throw new Miss({
      expected: `API Gateway to turn the sample order ${JSON.stringify(order)} into a PutEvents request (TestInvokeMethod)`,
      found: `it answered ${test.status} ${test.body} before calling EventBridge${loggedFailure(test.log)}`,
    });
  }
  const headers = executionLogEntry(test.log, 'Endpoint request headers');
  const target = loggedHeader(headers, 'X-Amz-Target');
  const contentType = loggedHeader(headers, 'Content-Type');
  if (target !== 'AWSEvents.PutEvents' || contentType !== 'application/x-amz-json-1.1') {
    throw new Miss({
      expected:
        "the headers X-Amz-Target: AWSEvents.PutEvents and Content-Type: application/x-amz-json-1.1 on the request to EventBridge (requestParameters 'integration.request.header.X-Amz-Target': \"'AWSEvents.PutEvents'\", and likewise Content-Type)",
      found: `X-Amz-Target ${target ?? '(not set)'} and Content-Type ${contentType ?? '(not set)'}; EventBridge answered ${test.body}`,
    });
  }
  const problems = putEventsProblems(body, bus, order);
  if (problems.length > 0) {
    throw new Miss({
      expected: `the mapping template to write one PutEvents entry for the order: {"Entries":[{"EventBusName":"${bus.busName}","Source":"${ORDERS_SOURCE}","DetailType":"${EventTypes.OrderPlaced}","Detail":"<the order, escaped>"}]}`,
      found: `for ${JSON.stringify(order)} it wrote ${oneLine(body)}: ${problems.join('; ')}`,
    });
  }
  const answer = (() => {
    try {
      return JSON.parse(test.body ?? '') as { FailedEntryCount?: number; __type?: string };
    } catch {
      return undefined;
    }
  })();
  if (test.status !== 200 || answer?.FailedEntryCount !== 0) {
    throw new Miss({
      expected: 'EventBridge to accept the PutEvents request the template writes (FailedEntryCount 0)',
      found: `it answered ${test.status} ${test.body}`,
    });
  }
}

async function liveStage(context: GradingContext<2>): Promise<void> {
  const observer = await context.observers.bus(context.contract(1).busName);
  const api = await restApiNamed(context, 'orders-api');
  const stage = await ifExists(() => context.aws.apiGateway.send(new GetStageCommand({ restApiId: api.id, stageName: STAGE })));
  if (!stage) {
    const { item = [] } = await context.aws.apiGateway.send(new GetStagesCommand({ restApiId: api.id }));
    throw new Miss({
      expected: `a stage named ${STAGE} (CreateDeploymentCommand with stageName '${STAGE}')`,
      found: item.length
        ? `only the stages ${item.map((candidate) => candidate.stageName).join(', ')}`
        : 'no stages: the API is not deployed, so nobody can call it',
    });
  }
  const returned = deployedValue(context);
  if (returned.restApiId !== api.id || returned.stageName !== STAGE || returned.roleArn !== (await ordersApiRole(context)).Arn) {
    throw new Miss({
      expected: `deploy() to return { restApiId: "${api.id}", stageName: "${STAGE}", roleArn: the role's ARN }`,
      found: `it returned ${JSON.stringify(returned)}`,
    });
  }

  // Bad orders go first and a good one last: once the good one is on the bus, a bad one that
  // had got through would be there too, so its absence needs no fixed wait.
  const bad = [
    { why: 'without a gift', order: { orderId: `no-gift-${context.namespace}`, child: 'Ada', quantity: 1 } },
    { why: 'with quantity 0', order: { orderId: `zero-${context.namespace}`, child: 'Ada', gift: 'kite', quantity: 0 } },
    { why: 'with quantity "two"', order: { orderId: `two-${context.namespace}`, child: 'Ada', gift: 'kite', quantity: 'two' } },
  ];
  const badReplies = await Promise.all(bad.map(({ order }) => postToStage(context, { restApiId: api.id!, stage: STAGE, path: '/orders' }, order)));
  const good = sampleOrder(`order-${context.namespace}`);
  const goodReply = await postToStage(context, { restApiId: api.id!, stage: STAGE, path: '/orders' }, good);
  const path = new OrderPath(good.orderId);
  if (goodReply.status !== 200) {
    path.missed('POST /orders', `answered ${goodReply.status} ${goodReply.body}`);
    throw new Miss({ expected: `POST /orders with ${JSON.stringify(good)} to answer 200`, found: `${goodReply.status} ${goodReply.body}`, path });
  }
  path.reached('POST /orders answered 200', goodReply.body);
  const toBus = new Deadline(DELIVERY_DEADLINE_MS);
  const arrived = path.busEvent(
    observer.busName,
    await observer.waitFor((event) => event.detail?.orderId === good.orderId, toBus, `order ${good.orderId} on ${observer.busName}`),
    toBus,
  );
  if (!arrived) {
    const others = observer.seen.filter((event) => !/^(render|model)-check-/.test(String(event.detail?.orderId)));
    throw new Miss({
      expected: `the order ${good.orderId} on the bus ${observer.busName} as an ${EventTypes.OrderPlaced} event after POST /orders answered 200`,
      found:
        `the API answered ${goodReply.body}, but no such event arrived ${toBus.within()}` +
        `${others.length ? `; the bus saw only ${describeEvents(others)}` : ''}. The stage runs the API as it was at its deployment: was it changed after CreateDeploymentCommand?`,
      path,
    });
  }
  if (arrived.source !== ORDERS_SOURCE || arrived['detail-type'] !== EventTypes.OrderPlaced) {
    // The elf log of exercise 1 only takes orders from northpole.orders: show where this one stopped.
    await path.rules(context.aws, observer.busName, arrived, { ownPrefix: context.name(''), expected: [context.name('elf-log-observer')] });
    throw new Miss({
      expected: `source "${ORDERS_SOURCE}" and detail-type "${EventTypes.OrderPlaced}"`,
      found: `source "${arrived.source}" and detail-type "${arrived['detail-type']}"`,
      path,
    });
  }
  for (const [index, { why, order }] of bad.entries()) {
    const reply = badReplies[index];
    const leaked = observer.seen.filter((event) => event.detail?.orderId === order.orderId);
    if (reply.status !== 400 || leaked.length > 0) {
      throw new Miss({
        expected: `an order ${why} to be turned away with 400 before it becomes an event: ${JSON.stringify(order)}`,
        found: `${reply.status} ${reply.body}${leaked.length ? ', and it reached the bus as an OrderPlaced event' : ''}: the Order model or the validator of task 2, as the live stage serves them, let it through (the stage keeps the API as it was at CreateDeploymentCommand)`,
        lookAtTask: 2,
      });
    }
  }
}

export default defineGrader<2>({
  prepare: async (context) => {
    // The bus is watched before the learner's code runs, so that no event it puts there is missed.
    await context.observers.bus(context.contract(1).busName);
  },

  tasks: {
    1: apiRole,
    2: ordersMethodAndModel,
    3: putEventsIntegration,
    4: liveStage,
  },
});
