/**
 * The `tc-iot-device` command line: a dispatcher only. Each command lives in host-sim/commands/; the local
 * cloud's command lives with the cloud (host-sim/cloud/cli.ts). bin/tc-iot-device.js calls main().
 */
import { processIo, reportUsage, type CliIo } from './cli-output.js';
import { EXIT } from './exit-codes.js';
import { CLOUD_USAGE, CONNECT_USAGE, DEMO_USAGE, FLEET_USAGE, REGISTER_USAGE } from './usage.js';

const USAGE = `usage:
  ${REGISTER_USAGE}
  ${CONNECT_USAGE}
  ${CLOUD_USAGE.replace(/^usage: /, '')}
  ${DEMO_USAGE}
  ${FLEET_USAGE}

exit codes: 0 ok, 2 usage, 3 bad input (file, CA), 4 refused (gateway or broker), 5 network/TLS/time-out,
            6 storage (writing the credential), 7 clock not set, 70 internal error
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

// Each command is loaded only when it runs (rollup splits them into dist/chunks/): `register` need not pay
// for loading the local cloud's broker and PKI libraries, which roughly halves a short command's start-up.
const COMMANDS: Readonly<Record<string, Command>> = Object.freeze({
  register: async (argv, io) => (await import('./commands/register.js')).runRegister(argv, io),
  connect: async (argv, io) => (await import('./commands/connect.js')).runConnect(argv, io),
  demo: async (argv, io) => (await import('./commands/demo.js')).runDemo(argv, io),
  fleet: async (argv, io) => (await import('./commands/fleet.js')).runFleet(argv, io),
  cloud: async (argv) => (await import('./cloud/cli.js')).runCloudCommand(argv),
});

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  // Until main() resolves and the bin sets the real status, a process that stops early (an awaited promise
  // that can never settle empties the event loop) must not look like success.
  if (io === processIo) process.exitCode = EXIT.internal;
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(USAGE);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) return reportUsage(io, '', `unknown command "${name}"`, rest.includes('--json'));
  return command(rest, io);
}
