/**
 * Where LocalStack serves a REST API's stage: the one address the kit builds that is LocalStack's own.
 * On AWS it would be https://<id>.execute-api.<region>.amazonaws.com/<stage><path>.
 */
export function restApiInvokeUrl(endpoint: string, restApiId: string, stage: string, path: string): string {
  return `${endpoint.replace(/\/$/, '')}/restapis/${restApiId}/${stage}/_user_request_${path.startsWith('/') ? path : `/${path}`}`;
}
