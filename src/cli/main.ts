#!/usr/bin/env node
/**
 * The `weft` command.
 *
 *   weft demo [S51 ...] [--full] [--list]   the guided tour of the seed programs
 *   weft worker --tasks MODULE [options]    serve a RedisExecutor's queue (weft/redis)
 *   weft help                               this text
 */
import { demo } from './demo.js';
import { worker } from './worker.js';

const usage = `usage: weft <command> [options]

commands:
  demo [S01 ...] [--full] [--list]   run the seed programs side by side with what Python showed
  worker --tasks MODULE [options]    serve a RedisExecutor's queue on this machine (weft worker --help)
  help                               show this text
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      return demo(rest);
    case 'worker':
      return worker(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return 0;
    default:
      process.stderr.write(`weft: unknown command '${command}'\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // The demo's programs close what they open; exiting explicitly also ends the command
    // promptly if a seed left a timer or handle behind.
    process.exit(code);
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
