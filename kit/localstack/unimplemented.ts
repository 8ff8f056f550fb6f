/** An AWS error as the kit's clients leave it: the operation on `$operation` (kit/aws/clients.ts), the HTTP status in `$metadata`. */
export interface AwsFailure {
  name?: string;
  message?: string;
  code?: string;
  $operation?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * The operation an emulator says it does not implement (HTTP 501, NotImplemented, an unknown action,
 * an API Gateway path it does not know), in words; undefined for any other error. AWS never answers
 * a valid SDK call so, so none of these is a learner's mistake.
 */
export function unimplementedOperation(error: unknown): string | undefined {
  const failure = (error ?? {}) as AwsFailure;
  const text = `${failure.name} ${failure.message}`;
  const unknown =
    failure.$metadata?.httpStatusCode === 501 ||
    /^(NotImplemented|NotImplementedException|UnknownOperationException|InvalidAction)$/.test(failure.name ?? '') ||
    /not (yet )?implemented|not yet emulated|is not valid for this endpoint|Unknown API Gateway v1 path/i.test(text);
  if (!unknown) return undefined;
  return failure.$operation ?? /action '?(\w+)'?/i.exec(failure.message ?? '')?.[1] ?? 'an operation the grade calls';
}
