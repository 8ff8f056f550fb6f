import { readFileSync } from 'node:fs';
import { glob } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

// The kit's own TypeScript is laid out by prettier, with the globs of `npm run format`; what
// .prettierignore names (the learner files and the fixtures) keeps its own layout.
const root = path.resolve(import.meta.dirname, '..', '..');
const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const globs = [...scripts.format!.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);

describe('the layout of the code', () => {
  it('is what `npm run format` leaves: every file it formats is formatted', async () => {
    expect(globs).toEqual(['kit/**/*.ts', 'graders/**/*.ts', 'test/**/*.ts', '*.ts']);
    const unformatted: string[] = [];
    let checked = 0;
    for await (const file of glob(globs, { cwd: root })) {
      const filepath = path.join(root, file);
      if ((await prettier.getFileInfo(filepath, { ignorePath: path.join(root, '.prettierignore') })).ignored) continue;
      const options = await prettier.resolveConfig(filepath);
      checked += 1;
      if (!(await prettier.check(readFileSync(filepath, 'utf8'), { ...options, filepath }))) unformatted.push(file);
    }
    expect(checked).toBeGreaterThan(200);
    expect(unformatted, 'run `npm run format`').toEqual([]);
  });

  it('leaves the learner files as they were written', async () => {
    const ignored = async (file: string) => (await prettier.getFileInfo(path.join(root, file), { ignorePath: path.join(root, '.prettierignore') })).ignored;
    expect(await ignored('solutions/01-orders-bus/ordersBus.ts')).toBe(true);
    expect(await ignored('test/fixtures/learner/behaviours.ts')).toBe(true);
    expect(await ignored('kit/cli.ts')).toBe(false);
  });
});
