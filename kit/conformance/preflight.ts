import { awsClients, destroyClients } from '../aws/clients.ts';
import { newNamespace } from '../grading/namespace.ts';
import { removeNamespaces } from '../grading/sweep.ts';
import { namespacedName } from '../northPole.ts';
import { unimplementedOperation, type AwsFailure } from '../localstack/unimplemented.ts';
import { TRACK_FEATURES, Differs, type FeatureVerdict, type TrackFeature } from './trackFeatures.ts';

export interface FeatureResult extends FeatureVerdict {
  feature: TrackFeature;
  ms: number;
}

export interface Preflight {
  results: FeatureResult[];
  /** Exercises every feature of which works. */
  gradable: number[];
  /** Exercise → the features it needs that do not work. */
  blocked: Map<number, FeatureResult[]>;
  ms: number;
}

/** A probe that has not answered by then is reported as such; the whole preflight stays under 30 s. */
const PROBE_DEADLINE_MS = 25_000;

/**
 * Probes every AWS feature the track relies on against an endpoint, at once, in a scratch namespace
 * removed afterwards. A call the emulator does not implement is "missing", an answer other than AWS's
 * "differs".
 */
export async function runPreflight(endpoint: string, exercises: number[], features: TrackFeature[] = TRACK_FEATURES): Promise<Preflight> {
  const started = performance.now();
  const namespace = newNamespace();
  const aws = awsClients(endpoint);
  try {
    const context = { aws, endpoint, name: (base: string) => namespacedName(namespace, base) };
    const results = await Promise.all(
      features.map(async (feature): Promise<FeatureResult> => {
        const began = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<FeatureVerdict>(
          (resolve) => (timer = setTimeout(() => resolve({ state: 'differs', detail: `no outcome within ${PROBE_DEADLINE_MS / 1000} s` }), PROBE_DEADLINE_MS)),
        );
        const verdict = await Promise.race([feature.probe(context).catch(classify), deadline]);
        clearTimeout(timer);
        return { ...verdict, feature, ms: performance.now() - began };
      }),
    );
    const blocked = new Map<number, FeatureResult[]>();
    for (const result of results) {
      if (result.state === 'works') continue;
      for (const exercise of result.feature.exercises) blocked.set(exercise, [...(blocked.get(exercise) ?? []), result]);
    }
    return { results, gradable: exercises.filter((exercise) => !blocked.has(exercise)), blocked, ms: performance.now() - started };
  } finally {
    await removeNamespaces(aws, [namespace]).catch(() => undefined);
    destroyClients(aws);
  }
}

/** An error from a probe: an operation the emulator lacks, or an answer unlike AWS's. */
export function classify(error: unknown): FeatureVerdict {
  if (error instanceof Differs) return { state: 'differs', detail: error.message };
  const failure = (error ?? {}) as AwsFailure;
  const status = failure.$metadata?.httpStatusCode;
  const said = `${failure.$operation ? `${failure.$operation}: ` : ''}${failure.name}${status ? ` (HTTP ${status})` : ''}: ${failure.message}`.slice(0, 240);
  return { state: unimplementedOperation(error) ? 'missing' : 'differs', detail: said };
}
