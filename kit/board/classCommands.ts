import { InvalidArgumentError, type Command } from 'commander';

const count = (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 1000) throw new InvalidArgumentError('a whole number from 1 to 1000');
  return number;
};

const portNumber = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port number such as 4747 (0: any free port)');
  return port;
};

/** The class board's commands (the instructor's board, a learner joining it) and a classroom repository's grading. */
export function addClassCommands(program: Command): void {
  program
    .command('instructor')
    .description("start the class board on this machine (learners' grades, live); `export` prints it as Markdown or CSV")
    .argument('[action]', 'export: print the board instead of serving it')
    .option('--host <address>', 'the address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (the room)', '127.0.0.1')
    .option('--port <port>', 'the port to listen on', portNumber, 4747)
    .option('--data <file>', 'the SQLite file every result is kept in (default .northpole/board.sqlite)')
    .option('--code <code>', 'the join code learners type (default: the last one, or a new one)')
    .option('--token <token>', "the instructor's token for the board and exports (default: the last one, or a new one)")
    .option('--format <format>', 'with export: md or csv', 'md')
    .option('--max-learners <n>', 'learners the board takes (default 60: a room is tens, not hundreds)', count)
    .option('--per-address <n>', 'learners who may join from one network address (default 30)', count)
    .action(async (action: string | undefined, options) => {
      const { instructorCommand } = await import('./instructorCommand.ts');
      process.exitCode = await instructorCommand(action, options);
    });

  program
    .command('join')
    .description("send every grade of yours to the instructor's class board (once; `--leave` stops it)")
    .argument('[address]', "the board's address, e.g. http://192.168.1.20:4747 (no address: show where your grades go)")
    .option('--code <code>', 'the join code the instructor shows')
    .option('--name <name>', 'your name as the board shows it')
    .option('--leave', 'stop sending grades to the board')
    .action(async (address: string | undefined, options) => {
      const { joinCommand } = await import('./joinCommand.ts');
      process.exitCode = await joinCommand(address, options);
    });

  program
    .command('classroom-summary')
    .description("every step's last result (.northpole/results/) as a Markdown table, e.g. for a CI job summary")
    .option('--dir <folder>', 'the state folder that holds results/ (default .northpole)')
    .option('--step <N>', "that step's row alone; exit 0 when it passes, 1 when not (a step's points in GitHub Classroom)", (value: string) => {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('a step number such as 1 or 2');
      return number;
    })
    .action(async (options: { dir?: string; step?: number }) => {
      const { classroomSummaryCommand } = await import('../classroom/summary.ts');
      process.exitCode = await classroomSummaryCommand(options);
    });

  program
    .command('classroom')
    .description(
      "a classroom repository's grading, as docs/classroom/grade.yml runs it: `take <folder>` the learner's exercise files into this kit; `ready` waits for NORTHPOLE_ENDPOINT's LocalStack",
    )
    .argument('<action>', 'take | ready')
    .argument('[folder]', "with take: where the learner's repository is checked out")
    .option('--container <id>', "with ready: the LocalStack container, to check the kit's patches in it")
    .option('--timeout <seconds>', 'with ready: how long to wait (default 180)', (value: string) => {
      const seconds = Number(value);
      if (!Number.isInteger(seconds) || seconds < 1) throw new InvalidArgumentError('a number of seconds such as 180');
      return seconds;
    })
    .action(async (action: string, folder: string | undefined, options: { container?: string; timeout?: number }) => {
      const { takeWork, waitUntilReady } = await import('../classroom/classroom.ts');
      if (action === 'take' && folder) process.exitCode = await takeWork(folder);
      else if (action === 'ready') process.exitCode = await waitUntilReady(options);
      else throw new RangeError('Use `classroom take <folder>` or `classroom ready [--container ID]`.');
    });
}
