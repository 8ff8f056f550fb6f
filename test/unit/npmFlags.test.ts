import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { withNpmFlags } from '../../kit/npmFlags.ts';

// What npm does to `npm run <script> --flag` (keeps the flag as npm_config_flag), undone, without npm.
const program = new Command('npm run');
program.command('hint').argument('[n]').option('--all');
program.command('exercise').argument('[n]').option('--json').option('--file <path>').option('--reference-steps');

const underNpm = (script: string, config: Record<string, string>) => ({
  npm_lifecycle_event: script,
  ...Object.fromEntries(Object.entries(config).map(([name, value]) => [`npm_config_${name}`, value])),
});

describe('flags npm kept for itself, put back', () => {
  it('a switch: `npm run hint 1 --all`', () => {
    expect(withNpmFlags(['hint', '1'], program, underNpm('hint', { all: 'true' }))).toEqual(['hint', '1', '--all']);
  });

  it('a value npm took as a switch: `npm run exercise 1 --file mine.ts`, the stray argument taken back', () => {
    expect(withNpmFlags(['exercise', '1', 'mine.ts'], program, underNpm('exercise', { file: 'true' }))).toEqual(['exercise', '1', '--file', 'mine.ts']);
    expect(withNpmFlags(['exercise', '1'], program, underNpm('exercise', { file: 'mine.ts' }))).toEqual(['exercise', '1', '--file', 'mine.ts']);
  });

  it('a dashed name, and a flag given after `--` is not doubled', () => {
    expect(withNpmFlags(['exercise', '8'], program, underNpm('exercise', { reference_steps: 'true' }))).toEqual(['exercise', '8', '--reference-steps']);
    expect(withNpmFlags(['exercise', '1', '--json'], program, underNpm('exercise', { json: 'true' }))).toEqual(['exercise', '1', '--json']);
  });

  it('only under `npm run` of that very command: an .npmrc setting never reaches another command', () => {
    expect(withNpmFlags(['hint', '1'], program, { npm_config_all: 'true' })).toEqual(['hint', '1']);
    expect(withNpmFlags(['hint', '1'], program, underNpm('exercise', { all: 'true' }))).toEqual(['hint', '1']);
    expect(withNpmFlags(['exercise', '1'], program, underNpm('exercise', { json: 'false' }))).toEqual(['exercise', '1']);
  });
});
