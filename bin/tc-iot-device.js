#!/usr/bin/env node
// The CLI's entry: the code lives in the rollup build (dist/cli.js), made by `npm run build`
// (which `npm ci` runs through the `prepare` script).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    // main() turns every expected failure into an exit code; reaching here is a bug in the CLI.
    process.stderr.write(`tc-iot-device: internal error: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
