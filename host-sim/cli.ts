/**
 * The `tc-iot-device` command line: a dispatcher only. Each command lives in host-sim/commands/; the local
 * cloud's command lives with the cloud (host-sim/cloud/cli.ts). bin/tc-iot-device.js calls main().
 */
import { runCloudCommand } from './cloud/cli.js';
import { processIo, reportUsage, type CliIo } from './cli-output.js';
import { CONNECT_USAGE, runConnect } from './commands/connect.js';
import { DEMO_USAGE, runDemo } from './commands/demo.js';
import { FLEET_USAGE, runFleet } from './commands/fleet.js';
import { REGISTER_USAGE, runRegister } from './commands/register.js';
import { EXIT } from './exit-codes.js';

const USAGE = `usage:
  ${REGISTER_USAGE}
  ${CONNECT_USAGE}
  tc-iot-device cloud --products FILE [--port N] [--mqtt-port N] [--plain-mqtt-port N] [--max-clock-skew S] [--state FILE]
  ${DEMO_USAGE}
  ${FLEET_USAGE}

exit codes: 0 ok, 2 usage, 3 bad input (file, CA), 4 refused (gateway or broker), 5 network/TLS/time-out,
            6 storage (writing the credential), 7 clock not set, 70 internal error
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = Object.freeze({
  register: runRegister,
  connect: runConnect,
  demo: runDemo,
  fleet: runFleet,
  cloud: (argv: string[]) => runCloudCommand(argv),
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
