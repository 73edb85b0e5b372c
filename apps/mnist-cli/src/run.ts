// The one way both programs (neurite-mnist and neurite) run a command: dispatch, exit codes, and errors
// as one escaped line (a stack trace only with --verbose).
import { NeuriteError } from '@neurite/core';
import { cli } from './args.js';
import { UsageError } from './errors.js';
import { print, printable } from './terminal.js';

export type Commands = Record<string, [(argv: string[]) => Promise<number>, string]>;

/** Runs `process.argv`'s command and exits: 0 done, 1 failed, 2 bad usage (or what the command returns). */
export function runCli(program: string, usage: string, commands: Commands): void {
  cli.program = program;
  const main = async (argv: string[]): Promise<number> => {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      print(usage);
      return command === undefined ? 2 : 0;
    }
    const entry = Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (!entry)
      throw new UsageError(`unknown command '${command}'. Expected one of: ${Object.keys(commands).join(', ')}.`);
    return entry[0](rest);
  };
  const verbose = process.argv.includes('--verbose');
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // dawn.node and wasm threads can keep the event loop alive; the work is done.
      setTimeout(() => process.exit(code), 0).unref();
    },
    (e: Error) => {
      const usageError = e instanceof UsageError;
      const known = usageError || e instanceof NeuriteError;
      const message = printable(String(e?.message ?? e), { oneLine: true });
      process.stderr.write(`${program}: ${known ? message : `unexpected error: ${message}`}\n`);
      if (verbose) process.stderr.write(`${printable(String(e?.stack))}\n`);
      else if (!known) process.stderr.write('Run again with --verbose for the stack trace.\n');
      process.exit(usageError ? 2 : 1);
    },
  );
}
