import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { EnvironmentError } from './environmentError.ts';
import { addClassCommands } from './board/classCommands.ts';
import { ExitCode } from './exitCode.ts';
import { err, formatEnvironmentError } from './terminal.ts';
import { withNpmFlags } from './npmFlags.ts';
import { stateWriteProblem } from './stateDir.ts';

/** Parsing only: each command lives in commands/. */
const nodeMajor = Number(process.versions.node.split('.')[0]);
// Node 20 is end-of-life and the kit is tested on 22 and 24 only; doctor still runs, to say so.
if (nodeMajor < 22 && process.argv[2] !== 'doctor') {
  console.error(
    `North Pole Orders needs Node 22 or newer (24 LTS recommended); this is Node ${process.versions.node}.\n  What to do: install Node 24 (nodejs.org, or nvm install 24), then run the command again. \`npm run doctor\` checks the rest.`,
  );
  process.exit(ExitCode.Environment);
}

if (['exercise', 'watch'].includes(process.argv[2] ?? '') && !process.argv.includes('--help')) {
  (await import('./grading/learnerSession.ts')).prewarmLearnerHost();
}

const EXIT_CODES = '\nExit codes: 0 passed, 1 not yet (or refused), 2 the machine needs fixing (`npm run doctor`), 3 a wrong command line.';

const program = new Command('npm run')
  .description('North Pole Orders: event-driven architecture on AWS, exercise by exercise, against LocalStack.')
  .showHelpAfterError()
  .exitOverride()
  .addHelpText(
    'after',
    `\nOptions work with or without \`--\`: \`npm run hint 1 --all\`, \`npm run hint 1 -- --all\`, \`npx northpole hint 1 --all\`.${EXIT_CODES}`,
  );

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
  .option(
    '--reference-steps',
    "where a step runs the whole system (Christmas Eve, exercise 8), deploy the earlier steps' reference solutions instead of your files",
  )
  .action(async (number: number | undefined, options: { solution?: boolean; file?: string; json?: boolean; referenceSteps?: boolean }) => {
    const { exerciseCommand } = await import('./commands/exercise.ts');
    process.exitCode = await exerciseCommand(number, options);
  });

program
  .command('watch')
  .description('grade exercise N again on every save of its file (no N: the next unfinished one); keys: r re-run, h hint, n next, q quit')
  .argument('[N]', 'the exercise number', exerciseNumber)
  .option('--poll', 'look at the file every half second instead of waiting for change events (network drives, WSL under /mnt, some containers)')
  .action(async (number: number | undefined, options: { poll?: boolean }) => {
    const { watchCommand } = await import('./commands/watch.ts');
    process.exitCode = await watchCommand(number, options);
  });

program
  .command('hint')
  .description('the next hint for exercise N, one at a time (no N: the next unfinished one)')
  .argument('[N]', 'the exercise number', exerciseNumber)
  .option('--all', 'show again every hint given so far')
  .action(async (number: number | undefined, options: { all?: boolean }) => {
    const { hintCommand } = await import('./commands/hint.ts');
    process.exitCode = await hintCommand(number, options);
  });

program
  .command('reset')
  .description("put exercise N's starter file back, keeping a backup of your version")
  .argument('<N>', 'the exercise number', exerciseNumber)
  .action(async (number: number) => {
    const { resetCommand } = await import('./commands/reset.ts');
    process.exitCode = await resetCommand(number);
  });

program
  .command('solution')
  .description('show the reference solution of exercise N (asks first while your file does not pass)')
  .argument('<N>', 'the exercise number', exerciseNumber)
  .option('-y, --yes', 'show it without asking, even before a pass')
  .action(async (number: number, options: { yes?: boolean }) => {
    const { solutionCommand } = await import('./commands/solution.ts');
    process.exitCode = await solutionCommand(number, options);
  });

program
  .command('progress')
  .description('every exercise: done, in progress or not started, with time spent and hints used')
  .option('--json', 'print your whole progress file as JSON')
  .action(async (options: { json?: boolean }) => {
    const { progressCommand } = await import('./commands/progress.ts');
    process.exitCode = await progressCommand(options);
  });

program
  .command('doctor')
  .description('check Node, Docker, Python, Java, LocalStack and free disk; paste the output when you ask for help')
  .option('--track', 'probe every AWS feature the track relies on against the endpoint the next grade uses, and say which exercises can be graded there')
  .action(async (options: { track?: boolean }) => {
    const { doctorCommand } = await import('./commands/doctor.ts');
    process.exitCode = await doctorCommand(options);
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
  .description('start, stop or show the LocalStack the kit uses; `use docker|host|auto` picks how it runs')
  .argument('<action>', 'start | stop | status | use')
  .argument('[mode]', 'with use: docker, host or auto')
  .action(async (action: string, mode?: string) => {
    const { localstackCommand } = await import('./commands/localstack.ts');
    process.exitCode = await localstackCommand(action, mode);
  });

program
  .command('aws')
  .description(
    "the AWS CLI pointed at the kit's LocalStack, with its region and test credentials (without the AWS CLI: the read-only calls the exercises use), e.g. `npm run aws -- sqs list-queues`",
  )
  .argument('<service-and-command...>', 'as for the AWS CLI, e.g. events list-event-buses')
  .allowUnknownOption()
  .helpOption(false)
  .action(async (_args: string[], _options: object, command: Command) => {
    const { awsCommand } = await import('./commands/aws.ts');
    process.exitCode = await awsCommand(command.args);
  });

program
  .command('tracker')
  .description('the order tracker children watch their orders on, with your last graded exercise 9 sending its updates to it (until Ctrl-C)')
  .option('--port <port>', 'the port on 127.0.0.1 (4599 unless given)', (value: string) => {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('a TCP port number from 1 to 65535');
    return port;
  })
  .action(async (options: { port?: number }) => {
    const { trackerCommand } = await import('./tracker/trackerCommand.ts');
    process.exitCode = await trackerCommand(options);
  });

program
  .command('cdk')
  .description(
    "exercise 10's loop: synth prints your stack's template, diff compares it with the stack in LocalStack, deploy deletes and creates that stack, destroy deletes it",
  )
  .argument('<action>', 'synth | diff | deploy | destroy')
  .option('--solution', 'use the reference solution instead of your file')
  .option('--file <path>', 'use this file instead of your file in exercises/')
  .action(async (action: string, options: { solution?: boolean; file?: string }) => {
    const { cdkCommand } = await import('./commands/cdk.ts');
    process.exitCode = await cdkCommand(action, options);
  });

addClassCommands(program);

for (const command of program.commands) command.addHelpText('after', EXIT_CODES);

try {
  await program.parseAsync(withNpmFlags(process.argv.slice(2), program), { from: 'user' });
} catch (error) {
  process.exitCode = reportError(error);
}
// The command is over: whatever it left open (a socket, a worker) must not keep the terminal waiting.
setTimeout(() => process.exit(), 2000).unref();

function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Pass : ExitCode.Usage;
  if (error instanceof EnvironmentError) {
    console.error(formatEnvironmentError(error));
    return ExitCode.Environment;
  }
  const unwritable = stateWriteProblem(error);
  if (unwritable) {
    console.error(formatEnvironmentError(unwritable));
    return ExitCode.Environment;
  }
  if (error instanceof RangeError) {
    console.error(err.red(error.message));
    return ExitCode.Usage;
  }
  console.error(
    `${err.red(err.bold('The kit failed unexpectedly:'))} ${(error as Error)?.stack ?? String(error)}\nPlease report this with the output of \`npm run doctor\`.`,
  );
  return ExitCode.Environment;
}
