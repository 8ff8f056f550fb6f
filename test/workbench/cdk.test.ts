import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, destroyClients } from '../../kit/aws/clients.ts';
import { describeStack } from '../../kit/cdk/stacks.ts';
import { NamespaceRegistry } from '../../kit/grading/namespace.ts';
import { removeNamespaces } from '../../kit/grading/sweep.ts';
import { TempProject } from './tempProject.ts';

// npm run cdk: exercise 10's loop, through the real CLI in a copy of the kit, against the tests' LocalStack.
describe('npm run cdk -- synth|diff|deploy|destroy', () => {
  let project: TempProject;
  const aws = awsClients(process.env.NORTHPOLE_ENDPOINT!);

  beforeAll(async () => {
    project = await TempProject.create();
  });
  afterAll(async () => {
    await removeNamespaces(aws, await new NamespaceRegistry(project.stateDir).all()).catch(() => undefined);
    destroyClients(aws);
    await project.remove();
  });

  it('synth prints the template of the reference stack, with the contracts as outputs, touching no AWS', async () => {
    const ran = await project.run(['cdk', 'synth', '--solution'], { NORTHPOLE_ENDPOINT: 'http://127.0.0.1:9' });
    expect(ran.code, ran.stderr).toBe(0);
    const template = JSON.parse(ran.stdout) as { Resources: Record<string, { Type: string }>; Outputs: Record<string, unknown> };
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['OrdersBus', 'OrdersApi', 'OrderRouting', 'FulfilmentWorkflow', 'SleighDispatch']));
    expect(Object.values(template.Resources).map((resource) => resource.Type)).toEqual(
      expect.arrayContaining(['AWS::Events::EventBus', 'AWS::StepFunctions::StateMachine', 'AWS::ApiGateway::RestApi', 'AWS::SNS::Subscription']),
    );
    expect(ran.stderr).toMatch(/synthesized for the namespace np[a-z0-9]{5}: \d+ resources/);
  });

  it('synth of a stack that throws says what and where, exit 1, with no stack trace', async () => {
    const file = 'exercises/10-north-pole-as-code/northPoleStack.ts';
    const starter = await project.read(file);
    await project.write(
      file,
      starter.replace(
        'const name = (base: string) => `${namespace}-${base}`;',
        "const name = (base: string) => `${namespace}-${base}`;\n    if (namespace) throw new Error('the elves are on strike');",
      ),
    );
    const ran = await project.run(['cdk', 'synth']);
    await project.write(file, starter);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/northPoleStack\.ts did not synthesize: Error: the elves are on strike \(line \d+\)/);
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown action is a wrong command line, exit 3', async () => {
    const ran = await project.run(['cdk', 'update']);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('synth, diff, deploy, destroy');
  });

  it('deploy creates the stack and prints its outputs; diff then finds no difference; destroy deletes it', async () => {
    const deployed = await project.run(['cdk', 'deploy', '--solution'], {}, 240_000);
    expect(deployed.code, deployed.stderr).toBe(0);
    const stackName = /The stack (np[a-z0-9]{5}-north-pole) is created/.exec(deployed.stdout)?.[1];
    expect(stackName, deployed.stdout).toBeDefined();
    expect(deployed.stdout).toMatch(/OrdersBus \{"busName":"np[a-z0-9]{5}-orders"/);
    expect((await describeStack(aws.cloudFormation, stackName!))?.StackStatus).toBe('CREATE_COMPLETE');

    const diff = await project.run(['cdk', 'diff', '--solution'], {}, 120_000);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('There are no differences.');

    const destroyed = await project.run(['cdk', 'destroy'], {}, 240_000);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(await describeStack(aws.cloudFormation, stackName!)).toBeUndefined();
  });
});
