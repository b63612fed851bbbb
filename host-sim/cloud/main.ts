/**
 * Runs the local cloud on its own: `node --import tsx host-sim/cloud/main.ts --products FILE …` (the same
 * arguments as `tc-iot-device cloud`). The product path is `node bin/tc-iot-device.js cloud …`.
 */
import { runCloudCommand } from './cli.js';

runCloudCommand(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tc-iot-device cloud: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
