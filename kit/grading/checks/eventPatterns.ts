import type { AwsClients } from '../../aws/clients.ts';
import { patternMatches } from './evidence.ts';

/**
 * Why an EventBridge event pattern does or does not match an event, field by field, in EventBridge's
 * own words: every piece of the pattern (each top-level key, each field under `detail`, each `$or`
 * as one piece) is put to TestEventPattern alone, so the answer is AWS's, not a re-implementation of
 * its matching rules.
 */

/** One field of a pattern, on its own, and what the event holds there. */
export interface PatternPiece {
  /** Where the field is in the event, e.g. "detail.weightKg"; a `$or` is "detail.$or". */
  path: string;
  /** What the pattern asks of that field, e.g. [{"numeric":[">",20]}]. */
  wants: unknown;
  /** The event's value there; undefined when the event has no such field. For a `$or`, the fields its branches name. */
  value: unknown;
  matches: boolean;
}

export type PatternVerdict = { kind: 'invalid'; reason: string } | { kind: 'matches' | 'does-not-match'; pieces: PatternPiece[] };

/** The pattern's verdict on the event, and each of its pieces' verdicts. */
export async function explainPattern(aws: AwsClients, pattern: string, event: string): Promise<PatternVerdict> {
  const whole = await patternMatches(aws, pattern, event);
  if (typeof whole === 'string') return { kind: 'invalid', reason: whole };
  const parsedEvent = JSON.parse(event) as Record<string, unknown>;
  const pieces = await Promise.all(
    splitPattern(JSON.parse(pattern) as Record<string, unknown>).map(async ({ path, wants }) => {
      const alone = await patternMatches(aws, JSON.stringify(wrap(path, wants)), event);
      return { path: path.join('.'), wants, value: valueAt(parsedEvent, path, wants), matches: alone === true };
    }),
  );
  return { kind: whole ? 'matches' : 'does-not-match', pieces };
}

/**
 * One line on why the pattern does not match the event, naming the field that decided it:
 * `detail.weightKg: 20 does not match [{"numeric":[">",20]}]`. When it does match, the fields that
 * let it through (those of the detail, when the pattern has any), which is what a learner needs when
 * a pattern is too broad.
 */
export function describeVerdict(verdict: PatternVerdict): string {
  if (verdict.kind === 'invalid') return verdict.reason;
  if (verdict.kind === 'matches') {
    // The event's own fields decide more often than its envelope (source, detail-type): show those.
    const inDetail = verdict.pieces.filter((piece) => piece.path.startsWith('detail.'));
    return (inDetail.length ? inDetail : verdict.pieces).map(describePiece).join('; ');
  }
  const failing = verdict.pieces.filter((piece) => !piece.matches);
  // Each piece matches alone, yet not together: only a `$or` across fields can do that, or nothing.
  return failing.length ? failing.map(describePiece).join('; ') : 'every field matches alone, but not all of them together';
}

export function describePiece(piece: PatternPiece): string {
  const wants = JSON.stringify(piece.wants);
  if (piece.path.endsWith('$or')) {
    const fields = Object.entries(piece.value as Record<string, unknown>).map(([field, value]) => `${field} ${shown(value)}`);
    return `${piece.path}: ${piece.matches ? 'a branch of' : 'no branch of'} ${wants} matches (${fields.join(', ')})`;
  }
  if (piece.value === undefined) return `${piece.path} is missing, and ${wants} ${piece.matches ? 'matches that' : 'needs it'}`;
  const object = typeof piece.value === 'object' && piece.value !== null && !Array.isArray(piece.value);
  // EventBridge matches values, not objects: a list of conditions on an object never matches.
  const why =
    object && Array.isArray(piece.wants) && !piece.matches
      ? ` (it is an object: match one of its fields, e.g. ${piece.path}.${Object.keys(piece.value as object)[0]})`
      : '';
  return `${piece.path}: ${shown(piece.value)} ${piece.matches ? 'matches' : 'does not match'} ${wants}${why}`;
}

const shown = (value: unknown) => (value === undefined ? '(missing)' : JSON.stringify(value));

/** Leaves of the pattern: lists of conditions, and each `$or` whole. */
function splitPattern(pattern: Record<string, unknown>, path: string[] = []): { path: string[]; wants: unknown }[] {
  return Object.entries(pattern).flatMap(([key, wants]) =>
    key !== '$or' && wants !== null && typeof wants === 'object' && !Array.isArray(wants)
      ? splitPattern(wants as Record<string, unknown>, [...path, key])
      : [{ path: [...path, key], wants }],
  );
}

function wrap(path: string[], wants: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), wants) as Record<string, unknown>;
}

function valueAt(event: Record<string, unknown>, path: string[], wants: unknown): unknown {
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], event) as
    Record<string, unknown> | undefined;
  const last = path.at(-1)!;
  if (last !== '$or') return parent?.[last];
  // A `$or` decides on the fields its branches name: show the event's values of those.
  const fields = new Set((Array.isArray(wants) ? wants : []).flatMap((branch) => Object.keys(branch as object)));
  return Object.fromEntries([...fields].map((field) => [field, parent?.[field]]));
}
