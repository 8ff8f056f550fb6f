import type { AwsClients } from './aws/clients.ts';

/**
 * What every exercise's code receives: AWS clients pointed at LocalStack (or AWS), and the
 * namespace of this grading run. Every resource you create is named with `name()` so that two runs
 * never see each other's resources or events.
 */
export interface NorthPole extends AwsClients {
  region: string;
  accountId: string;
  /** The short prefix of this run, e.g. `npk3x9a`. */
  namespace: string;
  /** `name('orders')` is `npk3x9a-orders`: the name to give the resource the instructions call `orders`. */
  name(base: string): string;
}

export function namespacedName(namespace: string, base: string): string {
  return `${namespace}-${base}`;
}
