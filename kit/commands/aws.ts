import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { REGION, awsClients, destroyClients, type AwsClients } from '../aws/clients.ts';
import { ExitCode } from '../exitCode.ts';
import { ensureLocalStack } from '../localstack/runtime.ts';

const require = createRequire(import.meta.url);

/** The test credentials LocalStack accepts; the AWS CLI refuses to run without some. */
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

interface Service {
  client: keyof AwsClients;
  module: string;
  /** API Gateway's and Step Functions' SDKs take camelCase parameters (restApiId, stateMachineArn); the others PascalCase (QueueUrl). */
  camelCase?: boolean;
  /** The calls the exercises' "Look around" sections use, answered through the SDK when the AWS CLI is missing. */
  commands: string[];
}

const SERVICES: Record<string, Service> = {
  events: {
    client: 'eventBridge',
    module: '@aws-sdk/client-eventbridge',
    commands: [
      'list-event-buses',
      'list-rules',
      'list-targets-by-rule',
      'put-events',
      'test-event-pattern',
      'list-archives',
      'list-replays',
      'describe-replay',
      'describe-connection',
      'describe-api-destination',
    ],
  },
  s3api: { client: 's3', module: '@aws-sdk/client-s3', commands: ['list-buckets', 'list-objects-v2', 'put-object', 'get-bucket-notification-configuration'] },
  sqs: { client: 'sqs', module: '@aws-sdk/client-sqs', commands: ['list-queues', 'receive-message', 'get-queue-attributes'] },
  apigateway: { client: 'apiGateway', module: '@aws-sdk/client-api-gateway', camelCase: true, commands: ['get-rest-apis', 'get-resources', 'get-stages'] },
  stepfunctions: {
    client: 'sfn',
    module: '@aws-sdk/client-sfn',
    camelCase: true,
    commands: [
      'list-state-machines',
      'list-executions',
      'describe-execution',
      'get-execution-history',
      'test-state',
      'start-sync-execution',
      'send-task-success',
    ],
  },
  dynamodb: { client: 'dynamoDb', module: '@aws-sdk/client-dynamodb', commands: ['list-tables', 'scan', 'get-item', 'put-item'] },
  sns: {
    client: 'sns',
    module: '@aws-sdk/client-sns',
    commands: ['list-topics', 'list-subscriptions', 'list-subscriptions-by-topic', 'get-subscription-attributes', 'publish'],
  },
  cloudformation: {
    client: 'cloudFormation',
    module: '@aws-sdk/client-cloudformation',
    commands: ['describe-stacks', 'describe-stack-resources', 'describe-stack-events', 'get-template'],
  },
  iam: { client: 'iam', module: '@aws-sdk/client-iam', commands: ['list-role-policies', 'get-role-policy'] },
};

/**
 * Calls that AWS serves on a prefixed host (`sync-states.…`): botocore, like the SDK, puts the prefix
 * before LocalStack's address too (`sync-127.0.0.1`, which does not resolve). The SDK's client here
 * leaves the prefix out, so these go through it even where the AWS CLI is installed.
 */
const HOST_PREFIXED: Record<string, string[]> = { stepfunctions: ['test-state', 'start-sync-execution'] };

/** Whether `npm run aws -- <service> <command>` is answered without the AWS CLI. */
export function answeredWithoutCli(service: string, command: string): boolean {
  return serviceNamed(service)?.commands.includes(command) ?? false;
}

/** A table entry by a name the learner typed: only the table's own keys, never what every object has (constructor, __proto__). */
const own = <T>(table: Record<string, T>, name: string): T | undefined => (Object.hasOwn(table, name) ? table[name] : undefined);
const serviceNamed = (name: string) => own(SERVICES, name);

/** Options whose value is JSON text the API takes as a string (a definition, a pattern, a message), never parsed. */
const JSON_TEXT_OPTIONS = new Set(['definition', 'event-pattern', 'event', 'message', 'input', 'task-output']);
/** Options that are lists in the API; the CLI takes them as words, e.g. --attribute-names RedrivePolicy. */
const LIST_OPTIONS = new Set(['attribute-names', 'message-attribute-names', 'message-system-attribute-names']);
/** Options the CLI reads from the file they name (s3api put-object --body letter.json). */
const FILE_OPTIONS = new Set(['body']);
/** The CLI's names for parameters whose names clash with its own options (--output). */
const RENAMED_OPTIONS: Record<string, string> = { 'task-output': 'output' };

/**
 * `npm run aws -- sqs list-queues`: the AWS CLI pointed at the kit's LocalStack, with its region and
 * test credentials, so the exercises' "Look around" lines work as written. Without the AWS CLI
 * (NORTHPOLE_AWS_CLI=0 forces this), the calls those sections use go through the SDK and print JSON
 * in the CLI's shape; a structure given as JSON (--entries '[…]', --key '{…}') is parsed, as the CLI does.
 */
export async function awsCommand(args: string[]): Promise<number> {
  const localstack = await ensureLocalStack(() => {});
  const [service = '', command = ''] = args;
  const useCli =
    !own(HOST_PREFIXED, service)?.includes(command) &&
    process.env.NORTHPOLE_AWS_CLI !== '0' &&
    spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
  if (useCli) return runCli(localstack.endpoint, args);
  return runThroughSdk(localstack.endpoint, args);
}

function runCli(endpoint: string, args: string[]): Promise<number> {
  const env = { ...process.env, ...CREDENTIALS, AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION, AWS_PAGER: '' };
  const child = spawn('aws', ['--endpoint-url', endpoint, ...args], { env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? ExitCode.Environment)));
}

async function runThroughSdk(endpoint: string, args: string[]): Promise<number> {
  const [serviceName = '', commandName = '', ...rest] = args;
  const service = serviceNamed(serviceName);
  if (!service || !service.commands.includes(commandName)) {
    console.error(
      `Without the AWS CLI, \`npm run aws\` answers only these calls:\n${Object.entries(SERVICES)
        .map(([name, { commands }]) => `  ${name} ${commands.join(' | ')}`)
        .join('\n')}\nFor any other, install the AWS CLI (https://aws.amazon.com/cli/); \`npm run aws\` then points it at LocalStack.`,
    );
    return ExitCode.Usage;
  }
  const input = parseOptions(rest, service.camelCase ?? false);
  if (typeof input === 'string') {
    console.error(input);
    return ExitCode.Usage;
  }
  const Command = (require(service.module) as Record<string, new (input: object) => never>)[`${pascal(commandName)}Command`]!;
  const aws = awsClients(endpoint);
  try {
    const output = await (aws[service.client].send as (command: never) => Promise<Record<string, unknown>>)(new Command(input));
    delete output.$metadata;
    console.log(JSON.stringify(output, null, 4));
    return ExitCode.Pass;
  } catch (error) {
    console.error(`An error occurred (${(error as Error).name}) when calling the ${pascal(commandName)} operation: ${(error as Error).message}`);
    return ExitCode.Fail;
  } finally {
    destroyClients(aws);
  }
}

/** `--queue-url X --max-number-of-messages 10 --key '{…}'` as the SDK's { QueueUrl: 'X', MaxNumberOfMessages: 10, Key: {…} }. */
function parseOptions(rest: string[], camelCase: boolean): Record<string, unknown> | string {
  const input: Record<string, unknown> = {};
  for (let index = 0; index < rest.length; index += 1) {
    const option = rest[index]!;
    if (!option.startsWith('--')) return `Unexpected "${option}": options are written --name value, e.g. --queue-url <url>.`;
    const [flag, inline] = option.slice(2).split(/=(.*)/s);
    if (!/^[a-z][a-z0-9-]*$/.test(flag!)) return `Unexpected "${option}": an option's name is lower-case words joined by dashes, e.g. --queue-url.`;
    const name = own(RENAMED_OPTIONS, flag!) ?? flag!;
    const key = camelCase ? camel(name) : pascal(name);
    const value = inline ?? rest[++index];
    if (value === undefined) return `--${flag} needs a value.`;
    if (LIST_OPTIONS.has(flag!)) input[key] = value.split(/[\s,]+/).filter(Boolean);
    else if (FILE_OPTIONS.has(flag!)) {
      try {
        input[key] = readFileSync(value);
      } catch (error) {
        return `--${flag} names a file to send, and it cannot be read: ${(error as Error).message}`;
      }
    } else if (!JSON_TEXT_OPTIONS.has(flag!) && /^\s*[[{]/.test(value)) {
      try {
        input[key] = JSON.parse(value) as unknown;
      } catch (error) {
        return `--${flag} is not valid JSON: ${(error as Error).message}`;
      }
    } else input[key] = /^\d+$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value;
  }
  return input;
}

const pascal = (kebab: string) =>
  kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
const camel = (kebab: string) => pascal(kebab).charAt(0).toLowerCase() + pascal(kebab).slice(1);
