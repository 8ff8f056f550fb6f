import { readFileSync } from 'node:fs';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { deployStack } from '#northpole/cdk';
import {
  EventTypes,
  FULFILMENT_SOURCE,
  ORDERS_SOURCE,
  type Department,
  type DispatchQueue,
  type FulfilmentWorkflow,
  type OrderRouting,
  type OrdersApi,
  type OrdersBus,
  type SleighDispatch,
} from '#northpole/contracts';
import type { NorthPole } from '#northpole/northPole';

// Exercise 10: next year's North Pole, as code. Instructions: exercises/10-north-pole-as-code/README.md
// Grade it with `npm run exercise 10`; stuck? `npm run hint 10`. Your own loop: `npm run cdk -- synth`,
// `npm run cdk -- diff`, `npm run cdk -- deploy`, `npm run cdk -- destroy`.
// You write one CDK stack with everything exercises 1 to 5 built by hand. The machine of exercise 4 is
// in fulfilment.asl.json beside this file.

/** What each department takes, as exercise 3 routes it: the detail part of each rule's pattern. */
const DEPARTMENTS: Record<keyof OrderRouting, { base: string; detail: Record<string, unknown> }> = {
  toyWorkshop: { base: 'toy-workshop', detail: { list: ['nice'], sku: [{ prefix: 'TOY-' }] } },
  coalDepot: { base: 'coal-depot', detail: { list: [{ 'anything-but': 'nice' }] } },
  heavyLift: { base: 'heavy-lift', detail: { weightKg: [{ numeric: ['>', 20] }] } },
  giftWrap: { base: 'gift-wrap', detail: { giftWrap: { paper: [{ exists: true }] } } },
  expressDesk: { base: 'express-desk', detail: { $or: [{ express: [true] }, { quantity: [{ numeric: ['>=', 10] }] }] } },
};

/** The order as the API accepts it, as exercise 2's model says. */
const ORDER_SCHEMA: apigateway.JsonSchema = {
  schema: apigateway.JsonSchemaVersion.DRAFT4,
  title: 'Order',
  type: apigateway.JsonSchemaType.OBJECT,
  required: ['orderId', 'child', 'gift', 'quantity'],
  properties: {
    orderId: { type: apigateway.JsonSchemaType.STRING, minLength: 1 },
    child: { type: apigateway.JsonSchemaType.STRING, minLength: 1 },
    gift: { type: apigateway.JsonSchemaType.STRING, minLength: 1 },
    quantity: { type: apigateway.JsonSchemaType.INTEGER, minimum: 1 },
    weightKg: { type: apigateway.JsonSchemaType.NUMBER, minimum: 0 },
    list: { type: apigateway.JsonSchemaType.STRING, enum: ['nice', 'naughty'] },
  },
};

/** Exercise 2's mapping template: the PutEvents request API Gateway writes for one order. */
const putEventsTemplate = (busName: string) =>
  JSON.stringify({ Entries: [{ EventBusName: busName, Source: ORDERS_SOURCE, DetailType: EventTypes.OrderPlaced, Detail: '$util.escapeJavaScript($input.body)' }] });

export class NorthPoleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // Every name carries the namespace of the run, which the app puts in its context: the graders find
    // your resources by it, and two runs never share one.
    const namespace = this.node.getContext('namespace') as string;
    const name = (base: string) => `${namespace}-${base}`;

    // TODO (Task 1): the orders bus name('orders'), the elf log queue name('elf-log'), and the rule
    // name('elf-log-observer') on that bus that sends it every event from ORDERS_SOURCE. Then the
    // output OrdersBus: new CfnOutput(this, 'OrdersBus', { value: this.toJsonString(ordersBus) }).

    // TODO (Task 2): the role name('orders-api') that API Gateway assumes, allowed to put events on the
    // bus by a grant; the REST API name('orders-api') with POST /orders, the Order model, a validator
    // and the PutEvents integration (putEventsTemplate), deployed to the stage 'live'. Output OrdersApi.

    // TODO (Task 3): for each of DEPARTMENTS, a queue and a rule name(base) on the orders bus for
    // OrderPlaced events from ORDERS_SOURCE whose detail matches; the queue receives the order itself.
    // Output OrderRouting.

    // TODO (Task 4): the table name('orders'), the queue name('workshop'), the role name('fulfilment')
    // with grants for exactly the machine's three tasks, the machine name('fulfilment') from
    // fulfilment.asl.json, and the rule name('start-fulfilment') with the role name('fulfilment-start')
    // that starts it with the whole event. Output FulfilmentWorkflow.

    // TODO (Task 5): the topic name('sleigh-dispatch'), the rule name('sleigh-dispatch') that sends it
    // every OrderFulfilled from FULFILMENT_SOURCE, and the five queues of exercise 5, each subscribed
    // with its filter policy. Output SleighDispatch.

    // TODO (Task 6): the output OrdersUrl, the address the children's front end sends its orders to:
    // POST /orders as AWS addresses it (api.urlForPath). The grader sends real orders through it.
  }
}

// The kit synthesizes NorthPoleStack for each grade's namespace and creates the stack in CloudFormation
// (kit/cdk/deployStack.ts); `npm run cdk -- deploy` does the same for you to look around. Leave it be.
export const deploy = (np: NorthPole) => deployStack(np, NorthPoleStack);
