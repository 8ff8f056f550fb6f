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

/** The class board's commands: the instructor's board, a learner joining it, and a classroom repository's summary. */
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
    .action(async (options: { dir?: string }) => {
      const { classroomSummaryCommand } = await import('../classroom/summary.ts');
      process.exitCode = await classroomSummaryCommand(options);
    });
}
