import { readFileSync } from 'node:fs';
import { Lexer, marked, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { exercisePaths, loadTrack } from '../../kit/track.ts';

// Each exercise ends with the AWS documentation of what it teaches: the developer and user guides,
// not product pages. Whether each page exists was checked by hand when it was added; here, the shape.
const GUIDE =
  /^https:\/\/docs\.aws\.amazon\.com\/([a-zA-Z0-9-]+\/latest\/(userguide|UserGuide|dg|developerguide|SQSDeveloperGuide)|cdk\/v2\/guide)\/[\w.-]+\.html(#[\w-]+)?$/;

/** The links of the last section of an exercise README, with that section's heading. */
function lastSection(markdown: string): { heading: string; links: string[] } {
  const tokens = new Lexer().lex(markdown);
  const start = tokens.findLastIndex((token) => token.type === 'heading' && (token as Tokens.Heading).depth === 2);
  const links: string[] = [];
  marked.walkTokens(tokens.slice(start + 1), (token) => {
    if (token.type === 'link') links.push(token.href);
  });
  return { heading: (tokens[start] as Tokens.Heading).text, links };
}

describe('further reading at the end of every exercise', () => {
  for (const exercise of loadTrack().exercises) {
    it(`exercise ${exercise.number}: 3 to 6 AWS guide pages, https, each once`, () => {
      const { heading, links } = lastSection(readFileSync(exercisePaths(exercise).instructions, 'utf8'));
      expect(heading).toBe('Further reading');
      expect(links.length).toBeGreaterThanOrEqual(3);
      expect(links.length).toBeLessThanOrEqual(6);
      expect(links.filter((link) => !GUIDE.test(link))).toEqual([]);
      expect(new Set(links).size).toBe(links.length);
    });
  }

  it('tells a guide page from what is not one', () => {
    expect(GUIDE.test('https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html')).toBe(true);
    expect(GUIDE.test('https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html')).toBe(true);
    expect(GUIDE.test('https://docs.aws.amazon.com/cdk/v2/guide/define-iam-l2.html')).toBe(true);
    expect(GUIDE.test('https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_events.Rule.html')).toBe(false);
    expect(GUIDE.test('http://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html')).toBe(false);
    expect(GUIDE.test('https://aws.amazon.com/eventbridge/')).toBe(false);
    expect(GUIDE.test('https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html')).toBe(false);
  });
});
