import { awsClients, destroyClients, type AwsClients } from '../aws/clients.ts';
import type { StartedLocalStack } from '../localstack/started.ts';
import { removalOrder, removeCreation } from './creations.ts';
import { NamespaceLeases, type NamespaceRegistry } from './namespace.ts';
import { findNamespacedResources, REMOVAL_ORDERS, removeNamespaces } from './sweep.ts';

/**
 * Removes what ended runs' code created without the namespace (recorded with their namespace), before
 * this run's deploy makes the same names again.
 */
export async function removeStaleExtras(registry: NamespaceRegistry, keep: string, aws: AwsClients): Promise<void> {
  const extras = await registry.staleExtras(keep).catch(() => []);
  for (const order of REMOVAL_ORDERS) {
    await Promise.all(extras.filter((creation) => removalOrder(creation) === order).map((creation) => removeCreation(aws, creation)));
  }
}

/**
 * Removes the namespaces of ended runs, and forgets each one only once nothing of it is left. On
 * a LocalStack the kit started, namespaces no registry keeps any more (a deleted .northpole/) are
 * found by their names and their leases; on an endpoint that may be shared, only recorded ones are touched.
 */
export async function sweepStale(registry: NamespaceRegistry, keep: string, localstack: StartedLocalStack): Promise<void> {
  const aws = awsClients(localstack.endpoint);
  const leases = new NamespaceLeases();
  try {
    const stale = await registry.stale(keep);
    let orphans: string[] = [];
    if (localstack.mode !== 'endpoint') {
      // Listed before the registry is read: a run that made resources had recorded its namespace first.
      const { resources } = await findNamespacedResources(aws, () => true);
      const known = new Set(await registry.all());
      const unknown = [...new Set(resources.map((resource) => resource.namespace))].filter((namespace) => !known.has(namespace));
      // Another project's (or verify's) run, live or kept, is not an orphan: only what is provably abandoned goes.
      const abandoned = await Promise.all(
        unknown.map((namespace) =>
          leases.abandoned(
            namespace,
            resources.filter((resource) => resource.namespace === namespace).map((resource) => resource.createdAt),
          ),
        ),
      );
      orphans = unknown.filter((_, index) => abandoned[index]);
    }
    const gone = await removeNamespaces(aws, [...stale, ...orphans]);
    await registry.forget(gone.filter((namespace) => stale.includes(namespace)));
    await leases.remove(gone.filter((namespace) => orphans.includes(namespace)));
  } catch {
    // LocalStack went away, or the state folder refuses writes: the namespaces stay recorded and a later run removes them.
  } finally {
    destroyClients(aws);
  }
}
