import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Lexer, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { exerciseDir, loadTrack } from '../../kit/track.ts';

// README.md is the learner's front page: short, the set-up first, the whole system in one picture,
// the loop, and the track as exercises/track.json says it.
const root = path.resolve(import.meta.dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const tokens = new Lexer().lex(readme);
const track = loadTrack();
const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The section under a `## heading`, as tokens. */
function section(heading: string): Token[] {
  const start = tokens.findIndex((token) => token.type === 'heading' && (token as Tokens.Heading).depth === 2 && (token as Tokens.Heading).text === heading);
  expect(start, `README has no "## ${heading}"`).toBeGreaterThan(-1);
  const end = tokens.findIndex((token, index) => index > start && token.type === 'heading' && (token as Tokens.Heading).depth === 2);
  return tokens.slice(start + 1, end === -1 ? undefined : end);
}

const tableOf = (tokens: Token[]) => tokens.find((token): token is Tokens.Table => token.type === 'table');

describe('README.md, the front page', () => {
  it('is at most 110 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(110);
  });

  it('shows the two set-up commands first, before any other command: the grade, and the tests', () => {
    const firstCode = tokens.find((token): token is Tokens.Code => token.type === 'code');
    const commands = firstCode?.text.split('\n').map((line) => line.replace(/\s+#.*$/, ''));
    expect(commands).toEqual(['npm install', 'npm run exercise 1', 'npm test']);
    expect(section('Set-up')).toContain(firstCode);
  });

  it('draws the whole North Pole with every step of the track on it', () => {
    const diagram = tokens.find((token): token is Tokens.Code => token.type === 'code' && token.lang === 'mermaid');
    expect(diagram).toBeDefined();
    expect(section('What you build')).toContain(diagram);
    for (const exercise of track.exercises) expect(diagram!.text).toContain(`"${exercise.number} · `);
  });

  it('lists the loop: commands a learner runs, each a script of package.json', () => {
    const commands = tableOf(section('The loop'))!.rows.map((row) => /^`npm run ([a-z-]+)/.exec(row[0]!.text)?.[1]);
    expect(commands).toEqual(['exercise', 'watch', 'hint', 'reset', 'solution', 'progress', 'doctor']);
    for (const command of commands) expect(scripts).toHaveProperty(command!);
  });

  it('has the track table of exercises/track.json: each exercise, its README, its concepts word for word', () => {
    const table = tableOf(section('The track'))!;
    expect(table.rows.map((row) => row.map((cell) => cell.text))).toEqual(
      track.exercises.map((exercise) => [
        String(exercise.number),
        `[${exercise.title}](exercises/${exerciseDir(exercise)}/README.md)`,
        exercise.concepts.join('; '),
      ]),
    );
  });

  it('points instructors to the facilitator guide and maintainers to CONTRIBUTING.md', () => {
    const help = section('Getting help');
    const links: string[] = [];
    new Lexer().lex(help.map((token) => token.raw).join('')).forEach(function collect(token: Token) {
      if (token.type === 'link') links.push(token.href);
      if ('tokens' in token) token.tokens?.forEach(collect);
      if (token.type === 'list') (token as Tokens.List).items.forEach(collect);
    });
    expect(links).toEqual(expect.arrayContaining(['docs/facilitator-guide.md', 'CONTRIBUTING.md', 'docs/learner-guide.md', 'docs/troubleshooting.md']));
  });
});
