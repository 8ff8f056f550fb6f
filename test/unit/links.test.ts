import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import GithubSlugger from 'github-slugger';
import { Lexer, marked, type Token } from 'marked';
import { describe, expect, it } from 'vitest';

// Every relative link and #heading in the project's Markdown leads somewhere: a file that exists, and
// a heading as GitHub names its anchor. Links to the web are not followed (no network here).
const root = path.resolve(import.meta.dirname, '..', '..');
const pages = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((page) => page && existsSync(path.join(root, page)));

/** The Markdown's tokens, or none for a file that is not Markdown. */
const tokensOf = (file: string): Token[] => (file.endsWith('.md') ? new Lexer().lex(readFileSync(file, 'utf8')) : []);

/** A heading's text as GitHub renders it, from which it makes the anchor. */
function plainText(tokens: Token[]): string {
  return tokens.map((token) => ('tokens' in token && token.tokens ? plainText(token.tokens) : 'text' in token ? token.text : '')).join('');
}

/** The anchors GitHub gives a page's headings: its own slugs, with -1, -2 for repeats. */
function anchorsOf(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  marked.walkTokens(tokensOf(file), (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText(token.tokens ?? [])));
  });
  return anchors;
}

/** Every link and image of a page that stays inside the project. */
function relativeLinks(page: string): string[] {
  const links: string[] = [];
  marked.walkTokens(tokensOf(path.join(root, page)), (token) => {
    if ((token.type === 'link' || token.type === 'image') && !/^[a-z][a-z+.-]*:/i.test(token.href)) links.push(token.href);
  });
  return links;
}

/** Why a link of `page` leads nowhere, or undefined when it resolves. */
function brokenBecause(page: string, link: string): string | undefined {
  const [target = '', anchor] = link.split('#') as [string, string | undefined];
  const file = target === '' ? path.join(root, page) : path.resolve(path.dirname(path.join(root, page)), decodeURIComponent(target));
  if (!file.startsWith(root)) return 'it points outside the project';
  if (!existsSync(file)) return `there is no ${path.relative(root, file)}`;
  if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor)) return `${path.relative(root, file)} has no heading #${anchor}`;
  return undefined;
}

describe('links in the Markdown pages', () => {
  it('covers the front page, the contributors’ guide and every guide in docs/', () => {
    expect(pages).toEqual(
      expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/architecture.md', 'docs/facilitator-guide.md', 'docs/learner-guide.md']),
    );
  });

  for (const page of pages) {
    it(`${page}: every relative link and #heading resolves`, () => {
      const broken = relativeLinks(page).flatMap((link) => {
        const why = brokenBecause(page, link);
        return why ? [`${link}: ${why}`] : [];
      });
      expect(broken).toEqual([]);
    });
  }

  it('catches a missing file, a missing heading, and a heading GitHub names otherwise', () => {
    expect(brokenBecause('README.md', 'docs/no-such-guide.md')).toBe('there is no docs/no-such-guide.md');
    expect(brokenBecause('README.md', 'docs/facilitator-guide.md#no-such-heading')).toBe('docs/facilitator-guide.md has no heading #no-such-heading');
    // "## Seeing where the room is: the class board": the colon goes, the spaces become hyphens.
    expect(brokenBecause('README.md', 'docs/facilitator-guide.md#seeing-where-the-room-is-the-class-board')).toBeUndefined();
    expect(brokenBecause('README.md', 'docs/facilitator-guide.md#seeing-where-the-room-is:-the-class-board')).toMatch(/has no heading/);
  });
});
