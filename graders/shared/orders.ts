import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EventTypes, ORDERS_SOURCE, type Order } from '../../kit/contracts.ts';
import { sampleEvent } from '../../kit/grading/checks/evidence.ts';
import { orderIdOf } from '../../kit/grading/checks/executions.ts';
import type { GradingContext } from '../../kit/grading/checks/grader.ts';

/** An OrderPlaced event as the producer puts it on the bus, as EventBridge would deliver it. */
export const orderEvent = (order: Order) => sampleEvent(ORDERS_SOURCE, EventTypes.OrderPlaced, order);

/** Puts orders on the orders bus of exercise 1, as the producer does. */
export async function putOrders(context: Pick<GradingContext, 'aws' | 'contract'>, orders: Order[]): Promise<void> {
  const { busName } = context.contract(1);
  const { FailedEntryCount } = await context.aws.eventBridge.send(
    new PutEventsCommand({
      Entries: orders.map((order) => ({ EventBusName: busName, Source: ORDERS_SOURCE, DetailType: EventTypes.OrderPlaced, Detail: JSON.stringify(order) })),
    }),
  );
  if (FailedEntryCount) throw new Error(`The grader could not put its orders on the bus (FailedEntryCount ${FailedEntryCount}).`);
}

/** The orderId a message or event detail carries: an order, or the order of a FailedOrder or a QualityCheckRequest. */
export const carriedOrderId = (body: unknown) => orderIdOf(body) ?? orderIdOf((body as { order?: unknown } | undefined)?.order);
