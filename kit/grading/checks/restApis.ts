import { GetResourcesCommand, GetRestApisCommand, TestInvokeMethodCommand, type Resource, type RestApi } from '@aws-sdk/client-api-gateway';
import { restApiInvokeUrl } from '../../aws/endpoints.ts';
import { unimplementedOperation } from '../../localstack/unimplemented.ts';
import { Miss, type GradingContext } from './grader.ts';

// The learner's REST APIs (API Gateway v1), read back and called: through TestInvokeMethod, which
// shows the integration request, and through the stage, as a client would.

/** The REST API named `np.name(baseName)`, or a Miss listing this run's APIs. */
export async function restApiNamed(context: Pick<GradingContext, 'aws' | 'name'>, baseName: string): Promise<RestApi> {
  const apiName = context.name(baseName);
  const { items = [] } = await context.aws.apiGateway.send(new GetRestApisCommand({ limit: 500 }));
  const api = items.find((candidate) => candidate.name === apiName);
  if (api) return api;
  const ours = items.map((candidate) => candidate.name).filter((name) => name?.startsWith(context.name('')));
  throw new Miss({
    expected: `a REST API named ${apiName} (np.name('${baseName}'))`,
    found: ours.length ? `only REST APIs named ${ours.join(', ')}` : 'no REST API with that name',
  });
}

/** The API's resource at `resourcePath` (e.g. "/orders"), or a Miss listing the paths there are. */
export async function resourceAt(context: Pick<GradingContext, 'aws'>, restApiId: string, resourcePath: string): Promise<Resource> {
  const { items = [] } = await context.aws.apiGateway.send(new GetResourcesCommand({ restApiId, limit: 500 }));
  const resource = items.find((candidate) => candidate.path === resourcePath);
  if (resource) return resource;
  throw new Miss({
    expected: `a resource ${resourcePath} on the REST API (CreateResourceCommand with pathPart "${resourcePath.split('/').pop()}")`,
    found: `only the paths ${items.map((item) => item.path).join(', ')}`,
  });
}

/** An HTTP answer. */
export interface Reply {
  status: number;
  body: string;
}

/** A JSON POST to the stage, as a client would send it. */
export async function postToStage(
  context: Pick<GradingContext, 'localstack'>,
  api: { restApiId: string; stage: string; path: string },
  body: unknown,
): Promise<Reply> {
  const response = await fetch(restApiInvokeUrl(context.localstack.endpoint, api.restApiId, api.stage, api.path), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.text()).trim() };
}

/** What API Gateway answered for a body, and how the grader asked. */
export interface Answer extends Reply {
  /** TestInvokeMethod's execution log; a real request has none. */
  log?: string;
  via: 'TestInvokeMethod' | 'the stage';
}

/**
 * The emulator failing inside a call it implements (HTTP 5xx), as opposed to an answer about the
 * learner's API; a call it does not implement at all is the environment's problem, not this.
 */
export const emulatorFault = (error: unknown): boolean =>
  !unimplementedOperation(error) &&
  ((error as { $fault?: string })?.$fault === 'server' || ((error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0) >= 500);

/**
 * API Gateway's answer to a POST of `body`. TestInvokeMethod first: it shows the integration request.
 * LocalStack's TestInvokeMethod fails inside on some integrations (credentials that are not a role ARN,
 * a method without an integration); a real request to the stage then answers instead. A string:
 * neither could, and why.
 */
export async function answerTo(
  context: Pick<GradingContext, 'aws' | 'localstack'>,
  api: { restApiId: string; resourceId: string; stage: string; path: string },
  body: unknown,
): Promise<Answer | string> {
  try {
    const test = await context.aws.apiGateway.send(
      new TestInvokeMethodCommand({
        restApiId: api.restApiId,
        resourceId: api.resourceId,
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    return { status: test.status ?? 0, body: test.body ?? '', log: test.log, via: 'TestInvokeMethod' };
  } catch (error) {
    if (!emulatorFault(error)) throw error;
    const reply = await postToStage(context, api, body);
    // No deployment, or no such stage: LocalStack's router answers for the API, not the API itself.
    const undeployed =
      (reply.status === 404 && /deployed|not found/i.test(reply.body)) || (reply.status === 403 && /Missing Authentication Token/i.test(reply.body));
    if (!undeployed) return { ...reply, via: 'the stage' };
    return `LocalStack's TestInvokeMethod failed inside (${(error as Error).name}: ${(error as Error).message}), and there is no ${api.stage} stage to send a real request to instead (${reply.status} ${reply.body})`;
  }
}

/** A rendered body as one line, whatever the template's layout. */
export function oneLine(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body));
  } catch {
    return body.replace(/\s*\n\s*/g, ' ');
  }
}

/** A header of the integration request, as TestInvokeMethod's log writes them ({Name=value, …}). */
export function loggedHeader(headers: string | undefined, name: string): string | undefined {
  return new RegExp(`(?:^|[{,]\\s*)${name}=([^,}]*)`, 'i').exec(headers ?? '')?.[1];
}

/** Why an execution stopped, as TestInvokeMethod's log says, when it says. */
export function loggedFailure(log: string | undefined): string {
  const reason = /Execution failed due to\s*(.*)/
    .exec(log ?? '')?.[1]
    .replace(/^:\s*/, '')
    .trim();
  return reason ? `: execution failed due to ${reason}` : ' (a mistake in the mapping template?)';
}
