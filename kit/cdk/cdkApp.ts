import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { App, BootstraplessSynthesizer, type Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { stackNameOf, type Template } from './stacks.ts';

// Exercise 10's CDK app: the learner's stack class, synthesized in this process with the namespace in
// its context. No CDK CLI, no credentials, no network: the template is all that comes out.

/** A stack class as the learner writes it: `class NorthPoleStack extends Stack`. */
export type StackClass = new (scope: Construct, id: string, props?: StackProps) => Stack;

/** The context key the stack reads its namespace from: `this.node.getContext('namespace')`. */
export const NAMESPACE_CONTEXT = 'namespace';

/**
 * Feature flags a new CDK project (`cdk init`) sets in its cdk.json, where the old default would
 * add what the North Pole does not ask for: an account-wide CloudWatch role for API Gateway.
 */
const FEATURE_FLAGS = { '@aws-cdk/aws-apigateway:disableCloudWatchRole': true };

export interface Synthesized {
  stackName: string;
  template: Template;
  /** The template as CloudFormation takes it (TemplateBody). */
  templateBody: string;
}

/**
 * Synthesizes the stack for a namespace. The bootstrapless synthesizer needs no bootstrap stack in the
 * account (no asset bucket, no deploy roles, no version check): the template goes to CloudFormation as
 * it is. It also takes no assets, so a file the stack needs is read while it is built.
 */
export async function synthesize(stack: StackClass, namespace: string, outdir?: string): Promise<Synthesized> {
  const stackName = stackNameOf(namespace);
  const folder = outdir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'northpole-cdk-')));
  try {
    const app = new App({
      outdir: folder,
      analyticsReporting: false,
      defaultStackSynthesizer: new BootstraplessSynthesizer(),
      // CloudFormation checks the template when it creates the stack and names the resource; the CDK's own
      // check would print its warnings into the kit's output (a --json verdict included).
      builtinCloudFormationValidation: false,
      // Each resource names its construct in the template, as `cdk synth` writes it: a failure can then say which.
      context: { [NAMESPACE_CONTEXT]: namespace, 'aws:cdk:enable-path-metadata': true, ...FEATURE_FLAGS },
    });
    new stack(app, stackName);
    const artifact = app.synth().getStackByName(stackName);
    const template = artifact.template as Template;
    return { stackName, template, templateBody: JSON.stringify(template) };
  } finally {
    if (!outdir) await fs.rm(folder, { recursive: true, force: true });
  }
}
