import type { NorthPoleAsCode } from '../contracts.ts';
import type { NorthPole } from '../northPole.ts';
import { synthesize, type StackClass } from './cdkApp.ts';
import { noResources, outputsOf, recreateStack } from './stacks.ts';

/**
 * What `deploy()` of exercise 10 does: synthesize the learner's stack for this run's namespace, delete
 * the namespace's stack if there is one, create it, and return its outputs.
 */
export async function deployStack(np: NorthPole, stack: StackClass): Promise<NorthPoleAsCode> {
  const { stackName, template, templateBody } = await synthesize(stack, np.namespace);
  if (Object.keys(template.Resources ?? {}).length === 0) throw new Error(noResources(stackName));
  const created = await recreateStack(np.cloudFormation, stackName, template, templateBody);
  return { stackName, outputs: outputsOf(created) };
}
