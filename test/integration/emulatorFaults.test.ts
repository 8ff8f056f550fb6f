import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { gradeExercise, gradeTarget } from '../../kit/grading/gradeExercise.ts';
import { NamespaceRegistry } from '../../kit/grading/namespace.ts';
import { removeNamespace } from '../../kit/grading/sweep.ts';

// LocalStack 4.13.1's TestInvokeMethod fails inside (HTTP 500, "'NoneType' object is not subscriptable")
// on a method that has no integration. Exercise 2's grader then sends a real request to the live stage,
// or, with no stage either, reads the model; either way the grade ends with a verdict.
const repository = path.resolve(import.meta.dirname, '..', '..');
const folder = path.join(repository, 'test', 'wrong-answers', '.generated', 'emulator-faults');
const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-faults-'));
afterAll(async () => {
  const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);
  await Promise.all((await new NamespaceRegistry(stateDir).all()).map((namespace) => removeNamespace(aws, namespace)));
  destroyClients(aws);
  await fs.rm(stateDir, { recursive: true, force: true });
});

/** The reference solution of exercise 2 with one line after its deployment. */
async function solutionWith(name: string, afterDeployment: string): Promise<string> {
  const solution = await fs.readFile(path.join(repository, 'solutions', '02-orders-api', 'ordersApi.ts'), 'utf8');
  const deployment = '  await np.apiGateway.send(new CreateDeploymentCommand({ restApiId, stageName }));\n';
  expect(solution).toContain(deployment);
  const edited = solution
    .replace('  CreateDeploymentCommand,\n', '  CreateDeploymentCommand,\n  DeleteIntegrationCommand,\n')
    .replace(deployment, `${deployment}${afterDeployment}`);
  await fs.mkdir(folder, { recursive: true });
  const file = path.join(folder, `${name}.ts`);
  await fs.writeFile(file, edited);
  return file;
}

describe("exercise 2 when LocalStack's TestInvokeMethod fails inside", () => {
  it('tries the model with real requests to the live stage, and names the missing integration at Task 3', async () => {
    // The stage keeps the API as deployed; the method itself has lost its integration since.
    const file = await solutionWith(
      'integrationDeletedAfterDeployment',
      "  await np.apiGateway.send(new DeleteIntegrationCommand({ restApiId, resourceId, httpMethod: 'POST' }));\n",
    );
    const result = await gradeExercise(gradeTarget(2, file), { stateDir });
    const [, model, integration] = result.tasks;
    expect(model?.status).toBe('pass');
    expect(model?.notes?.join('\n')).toMatch(/real requests to the live stage/);
    expect(integration?.status).toBe('fail');
    expect(integration?.found).toBe('no integration');
  });
});
