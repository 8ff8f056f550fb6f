import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fullDiff, formatDifferences } from '@aws-cdk/cloudformation-diff';
import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { awsClients, destroyClients } from '../aws/clients.ts';
import { describeStack, deleteStack, noResources, outputsOf, recreateStack, StackFailed, stackNameOf, type Template } from '../cdk/stacks.ts';
import { ExitCode } from '../exitCode.ts';
import { newNamespace, NamespaceRegistry } from '../grading/namespace.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';
import { PROJECT_ROOT, shownPath, STATE_DIR } from '../paths.ts';
import { err, out, startWork } from '../terminal.ts';
import { exercisePaths, findExercise } from '../track.ts';

// `npm run cdk -- synth|diff|deploy|destroy`: exercise 10's own loop against the kit's LocalStack. Not
// the CDK CLI: the same synthesis the grader runs, CloudFormation through the SDK, and the CDK's own
// diff library. `deploy` deletes the stack and creates it again, because LocalStack 4.13.1 reports an
// update as done while it leaves parts of the old stack in place.

const EXERCISE = 10;
export const CDK_ACTIONS = ['synth', 'diff', 'deploy', 'destroy'] as const;
type Action = (typeof CDK_ACTIONS)[number];

/** How long the app may take to synthesize before it is stopped: an endless loop in the stack never ends. */
const SYNTH_DEADLINE_MS = 60_000;
/** Where the app writes its cloud assembly, as `cdk synth` writes cdk.out. */
const CLOUD_ASSEMBLY = path.join(STATE_DIR, 'cdk.out');
const SYNTH_APP = path.join(PROJECT_ROOT, 'kit', 'cdk', 'synthApp.ts');

/** The template the stack file synthesizes to for a namespace, or what the app said instead. */
async function synthesized(file: string, namespace: string): Promise<{ template: Template } | { problem: string }> {
  await fs.rm(CLOUD_ASSEMBLY, { recursive: true, force: true });
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), SYNTH_APP, file, namespace, CLOUD_ASSEMBLY], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), SYNTH_DEADLINE_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  if (code === null) return { problem: `the app did not finish within ${SYNTH_DEADLINE_MS / 1000} s: is there an endless loop in NorthPoleStack?` };
  if (code !== 0) return { problem: stderr.trim() || `the app ended with exit code ${code}` };
  const template = JSON.parse(await fs.readFile(path.join(CLOUD_ASSEMBLY, `${stackNameOf(namespace)}.template.json`), 'utf8')) as Template;
  return { template };
}

/** Each resource's construct path by its logical id, as the CDK's diff names them. */
const constructPaths = (template: Template) =>
  Object.fromEntries(
    Object.entries(template.Resources ?? {}).flatMap(([logicalId, resource]) =>
      typeof resource.Metadata?.['aws:cdk:path'] === 'string' ? [[logicalId, resource.Metadata['aws:cdk:path']]] : [],
    ),
  );

export async function cdkCommand(action: string, options: { solution?: boolean; file?: string }): Promise<number> {
  if (!(CDK_ACTIONS as readonly string[]).includes(action))
    throw new RangeError(`npm run cdk takes one of ${CDK_ACTIONS.join(', ')}; "${action}" is none of them.`);
  const paths = exercisePaths(findExercise(EXERCISE));
  const file = path.resolve(options.file ?? (options.solution ? paths.solution : paths.working));
  const registry = new NamespaceRegistry(STATE_DIR);
  const [known] = await registry.of(EXERCISE);
  const namespace = known ?? (action === 'deploy' ? await registry.open(EXERCISE) : newNamespace());
  const stackName = stackNameOf(namespace);
  const said = (line: string) => console.error(err.dim(line));

  if (!known && (action === 'diff' || action === 'destroy')) {
    said('No stack of exercise 10 in LocalStack yet: `npm run cdk -- deploy` or `npm run exercise 10` creates one.');
    if (action === 'destroy') return ExitCode.Pass;
  }
  const template = action === 'destroy' ? undefined : await synthesizedOrSaid(file, namespace);
  if (template === null) return ExitCode.Fail;
  if (action === 'synth') {
    said(
      `${shownPath(file)} synthesized for the namespace ${namespace}: ${Object.keys(template!.Resources ?? {}).length} resources; the cloud assembly is in ${shownPath(CLOUD_ASSEMBLY)}`,
    );
    console.log(JSON.stringify(template, null, 2));
    return ExitCode.Pass;
  }

  if (action === 'deploy' && Object.keys(template!.Resources ?? {}).length === 0) {
    console.error(err.red(noResources(stackName)));
    return ExitCode.Fail;
  }
  const localstack = await ensureLocalStack(() => {});
  const aws = awsClients(localstack.endpoint);
  try {
    return await run(action as Exclude<Action, 'synth'>, { aws, stackName, template, said });
  } catch (error) {
    if (!(error instanceof StackFailed)) throw error;
    console.error(err.red(error.message));
    return ExitCode.Fail;
  } finally {
    destroyClients(aws);
  }
}

async function synthesizedOrSaid(file: string, namespace: string): Promise<Template | null> {
  const result = await synthesized(file, namespace);
  if ('template' in result) return result.template;
  console.error(`${err.red(`${shownPath(file)} did not synthesize:`)} ${result.problem}`);
  return null;
}

interface Run {
  aws: ReturnType<typeof awsClients>;
  stackName: string;
  template: Template | undefined;
  said: (line: string) => void;
}

async function run(action: Exclude<Action, 'synth'>, { aws, stackName, template, said }: Run): Promise<number> {
  if (action === 'destroy') {
    const work = startWork(`Deleting the stack ${stackName}…`);
    try {
      await deleteStack(aws.cloudFormation, stackName);
    } finally {
      work.stop();
    }
    said(`The stack ${stackName} and everything it made are gone.`);
    return ExitCode.Pass;
  }
  if (action === 'diff') {
    const deployed = (await describeStack(aws.cloudFormation, stackName))
      ? JSON.parse((await aws.cloudFormation.send(new GetTemplateCommand({ StackName: stackName }))).TemplateBody ?? '{}')
      : {};
    const difference = fullDiff(deployed as Record<string, unknown>, template!);
    said(`The stack ${stackName} in LocalStack against your stack as it is now:`);
    if (difference.isEmpty) console.log('There are no differences.');
    // The CDK's own rendering, as `cdk diff` prints it: IAM statement changes first, then each resource.
    else formatDifferences(process.stdout, difference, constructPaths(template!));
    return ExitCode.Pass;
  }
  const work = startWork(`Deleting the stack ${stackName} if it is there, then creating it again (LocalStack does not update stacks reliably)…`);
  let outputs: Record<string, unknown>;
  try {
    outputs = outputsOf(await recreateStack(aws.cloudFormation, stackName, template!));
  } finally {
    work.stop();
  }
  console.log(out.green(`The stack ${stackName} is created.`));
  for (const [key, value] of Object.entries(outputs)) console.log(`${out.bold(key)} ${JSON.stringify(value)}`);
  said(`Look around: npm run aws -- cloudformation describe-stack-resources --stack-name ${stackName}`);
  return ExitCode.Pass;
}
