import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exerciseDir, loadTrack } from '../../kit/track.ts';
import type { ReadmePromise, WrongAnswer } from '../wrong-answers/wrongAnswer.ts';

// Every sentence of an exercise's README that says what the grader checks is a check, proved by a
// wrong answer that fails at its task (test/integration/wrongAnswers.test.ts grades them for real).
//
// The rule that finds those sentences, in prose or lists but never in code:
//   1. every sentence that names the grader ("grader") or says what is "graded", anywhere in the README,
//      and the sentences right after it in its paragraph that go on with "it" ("It then asks …");
//   2. every sentence of the "Check your work" section, save one that only says how long a grade takes
//      and one that says what a failure's report shows ("the report ends with its path").
// A sentence that says something is not checked ("not graded", "does not check") needs no wrong answer.
const NO_CHECK = /\b(not graded|does not check|cannot check)\b/i;
const NAMES_THE_GRADER = /\bgrader|\bgraded\b/i;
const DURATION_ONLY = /^(The|A) grade takes about\b/;
const REPORT_ONLY = /\bthe report (ends|names|shows)\b/;
const GOES_ON = /^(Then |And |Last, )?[Ii]t\b/;
/** A promise cites the whole sentence, or at least this much of it. */
const SHORTEST_PIECE = 40;

const normalised = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The README's prose: no fenced or indented code, no headings, no diagram; each paragraph or list item as one string, by section. */
function paragraphs(readme: string): { section: string; text: string }[] {
  const result: { section: string; text: string }[] = [];
  let section = '';
  let fenced = false;
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) result.push({ section, text: normalised(current.join(' ')) });
    current = [];
  };
  for (const line of readme.split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      flush();
      continue;
    }
    if (fenced) continue;
    if (/^#+\s/.test(line)) {
      flush();
      section = line.replace(/^#+\s*/, '');
      continue;
    }
    // An indented line after a blank line is a code block; one right after prose continues a list item.
    if (line.trim() === '' || (/^( {4}|\t)/.test(line) && current.length === 0)) {
      flush();
      continue;
    }
    if (/^\s*([-*+]|\d+\.)\s/.test(line)) flush();
    current.push(line.trim());
  }
  flush();
  return result;
}

/** Sentences of a paragraph: split after . ! ? (not inside `code`, not after e.g. or i.e.). */
function sentences(paragraph: string): string[] {
  const codes: string[] = [];
  const masked = paragraph
    .replace(/`[^`]*`/g, (code) => `\u0000${codes.push(code) - 1}\u0000`)
    .replace(/\b(e\.g|i\.e)\./g, (abbreviation) => abbreviation.replace(/\./g, '\u0001'));
  return masked
    .split(/(?<=[.!?])\s+(?=\S)/)
    .map((sentence) => sentence.replace(/\u0000(\d+)\u0000/g, (_, index: string) => codes[Number(index)]!).replace(/\u0001/g, '.'))
    .map((sentence) => sentence.replace(/^([-*+]|\d+\.)\s+/, ''));
}

/** The sentences of the README that promise a check, by the rule above. */
function promisedChecks(readme: string): string[] {
  return paragraphs(readme).flatMap(({ section, text }) => {
    let goesOn = false;
    return sentences(text).filter((sentence) => {
      const promised =
        NAMES_THE_GRADER.test(sentence) ||
        (goesOn && GOES_ON.test(sentence)) ||
        (/^Check your work/i.test(section) && !DURATION_ONLY.test(sentence) && !REPORT_ONLY.test(sentence));
      goesOn = promised;
      return promised;
    });
  });
}

const track = loadTrack();

describe('what a README says the grader checks', () => {
  it('is found by the rule in prose, not in code, and split into whole sentences', () => {
    const readme = [
      '## Task 1: A queue',
      '',
      "Create it with `np.name('elf-log')`. The grader reads the policy, e.g. its `aws:SourceArn`. It then sends. It is quick.",
      '',
      '    npm run aws -- sqs list-queues   # the grader never reads this line',
      '',
      '## Check your work',
      '',
      '    npm run exercise 1',
      '',
      'Then real traffic: three orders. This part is not graded. A grade takes about 2 s.',
    ].join('\n');
    expect(promisedChecks(readme)).toEqual([
      'The grader reads the policy, e.g. its `aws:SourceArn`.',
      'It then sends.',
      'It is quick.',
      'Then real traffic: three orders.',
      'This part is not graded.',
    ]);
  });

  for (const exercise of track.exercises) {
    it(`exercise ${exercise.number}: every promise is listed in test/wrong-answers/${exerciseDir(exercise)}.ts, each proved by its wrong answers`, async () => {
      const readme = readFileSync(path.join('exercises', exerciseDir(exercise), 'README.md'), 'utf8');
      const file = (await import(`../wrong-answers/${exerciseDir(exercise)}.ts`)) as { wrongAnswers: WrongAnswer[]; promises?: ReadmePromise[] };
      expect(file.promises, `test/wrong-answers/${exerciseDir(exercise)}.ts exports no promises`).toBeDefined();
      const promises = file.promises!.map((promise) => ({ ...promise, piece: normalised(promise.sentence) }));
      const checks = promisedChecks(readme);

      const unlisted = checks.filter((sentence) => !promises.some(({ piece }) => sentence.includes(piece)));
      expect(unlisted, 'README sentences that promise a check no entry of `promises` cites').toEqual([]);

      for (const promise of promises) {
        const cited = checks.filter((sentence) => sentence.includes(promise.piece));
        expect(cited, `"${promise.sentence}" is not a piece of one promising sentence of the README`).toHaveLength(1);
        expect(promise.piece.length, `"${promise.sentence}" is too short a piece of its sentence`).toBeGreaterThanOrEqual(
          Math.min(cited[0]!.length, SHORTEST_PIECE),
        );
        const unknown = promise.provedBy.filter((name) => !file.wrongAnswers.some((answer) => answer.name === name));
        expect(unknown, `"${promise.sentence}" is proved by wrong answers that do not exist`).toEqual([]);
        if (!NO_CHECK.test(cited[0]!))
          expect(promise.provedBy.length, `"${promise.sentence}" promises a check: name the wrong answers that prove it`).toBeGreaterThan(0);
      }
    });
  }
});
