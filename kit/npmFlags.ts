import type { Command } from 'commander';

/**
 * `npm run hint 2 --all` gives `--all` to npm, not to the kit: npm keeps it as its own setting and
 * passes it on only as npm_config_all=true. Put such flags back on the command line, so that both
 * `npm run hint 2 --all` and `npm run hint 2 -- --all` do what they say. Only under `npm run <command>`
 * (npm_lifecycle_event), so that settings from an .npmrc never reach other programs' flags.
 */
export function withNpmFlags(args: string[], program: Command, env: NodeJS.ProcessEnv = process.env): string[] {
  const [name, ...rest] = args;
  const command = program.commands.find((candidate) => candidate.name() === name);
  if (!command || env.npm_lifecycle_event !== name) return args;
  const restored = [...rest];
  for (const option of command.options) {
    if (!option.long || restored.some((arg) => arg === option.long || arg.startsWith(`${option.long}=`))) continue;
    const value = env[`npm_config_${option.long.slice(2).replaceAll('-', '_')}`];
    if (!value || value === 'false') continue;
    if (!option.required && !option.optional) {
      if (value === 'true') restored.push(option.long);
      continue;
    }
    // `--file mine.ts`: npm takes `--file` as a switch and leaves `mine.ts` among the arguments, last.
    if (value !== 'true') restored.push(option.long, value);
    else {
      const last = restored.findLastIndex((arg) => !arg.startsWith('-'));
      if (last >= 0) restored.push(option.long, ...restored.splice(last, 1));
    }
  }
  return [name!, ...restored];
}
