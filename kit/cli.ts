import { Command, CommanderError, InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import { EnvironmentError } from './environmentError.ts';
import { ExitCode } from './exitCode.ts';

/** Parsing only: each command lives in commands/. */
const program = new Command('npm run')
  .description('North Pole Orders: event-driven architecture on AWS, exercise by exercise, against LocalStack.')
  .showHelpAfterError()
  .exitOverride();

const exerciseNumber = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('an exercise number such as 1 or 2');
  return number;
};

program
  .command('exercise')
  .description('grade exercise N against LocalStack (no N: the next unfinished one)')
  .argument('[N]', 'the exercise number', exerciseNumber)
  .option('--solution', 'grade the reference solution instead of your file')
  .option('--file <path>', 'grade this file instead of your file in exercises/')
  .option('--json', 'print the results.json verdict instead of the report')
  .action(async (number: number | undefined, options: { solution?: boolean; file?: string; json?: boolean }) => {
    const { exerciseCommand } = await import('./commands/exercise.ts');
    process.exitCode = await exerciseCommand(number, options);
  });

program
  .command('verify')
  .description('prove every reference solution passes and every untouched starter fails')
  .action(async () => {
    const { verifyCommand } = await import('./commands/verify.ts');
    process.exitCode = await verifyCommand();
  });

program
  .command('localstack')
  .description('start, stop or show the LocalStack the kit uses')
  .argument('<action>', 'start | stop | status')
  .action(async (action: string) => {
    const { localstackCommand } = await import('./commands/localstack.ts');
    process.exitCode = await localstackCommand(action);
  });

try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  process.exitCode = reportError(error);
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Pass : ExitCode.Usage;
  if (error instanceof EnvironmentError) {
    console.error(`${pc.red(pc.bold(error.what))}\n  ${error.message}\n  ${pc.bold('What to do:')} ${error.fix}`);
    return ExitCode.Environment;
  }
  if (error instanceof RangeError) {
    console.error(pc.red(error.message));
    return ExitCode.Usage;
  }
  console.error(`${pc.red(pc.bold('The kit failed unexpectedly:'))} ${(error as Error)?.stack ?? String(error)}\nPlease report this with the output of \`npm run doctor\`.`);
  return ExitCode.Environment;
}
