/**
 * tc-iot-device register -c FILE [--api v1|v2] [--algorithm hmacsha256|hmacsha1] [--gateway URL] [--ca FILE] [--force] [--json]
 *
 * Registers only when the file says the device is not registered yet; with a credential already there it
 * says so and sends nothing, unless --force. The credential is written back by the HAL's storage.
 */
import { REGISTER_USAGE } from '../usage.js';
import { Logger } from '../../hal/node/index.js';
import { CERTS_DIR, certFileNamesFor } from '../../src/conventions/index.js';
import { logLevelFrom, parseCommandArgs } from '../cli-args.js';
import { CommandOutput, type CliIo } from '../cli-output.js';
import { openHostDevice, registerHostDevice } from '../device.js';
import type { FailureContext } from '../explain-failure.js';
import { UsageError } from '../usage-error.js';
import { provisionOptionsFrom, readCaFile, REGISTER_OPTIONS } from './shared.js';


export async function runRegister(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  const output = new CommandOutput(io, json, 'register');
  const context: FailureContext = { step: 'load' };
  try {
    const { values } = parseCommandArgs(argv, REGISTER_OPTIONS);
    if (values.help === true) {
      io.stdout(`${REGISTER_USAGE}\n`);
      return 0;
    }
    const file = values.config;
    if (file === undefined) throw new UsageError('register needs -c FILE (the device-info JSON)');
    context.file = file;
    const options = provisionOptionsFrom(values);
    const logger = new Logger({ level: logLevelFrom(values), write: io.stderr });
    context.step = 'ca';
    const caPem = await readCaFile(values.ca);
    context.step = 'load';
    const device = await openHostDevice(file, { logger, ...(caPem === undefined ? {} : { caPem }) });
    const identity = { productId: device.record.productId, deviceName: device.record.deviceName, authMode: device.record.authMode, file };
    context.step = 'register';
    const started = Date.now();
    // provision() decides whether to register at all (a credential in the file and no --force: nothing is sent).
    const result = await registerHostDevice(device, options);
    const ms = Date.now() - started;
    if (!result.registered) {
      output.say(`${identity.productId}/${identity.deviceName} is already registered (${file} holds its credential); nothing was sent. Use --force to register again.`);
      return output.succeed({ ...identity, registered: false, alreadyRegistered: true });
    }
    const gateway = result.gateway;
    output.say(`registered ${identity.productId}/${identity.deviceName} (${identity.authMode}) with API ${options.api} at https://${gateway.host}:${gateway.port} in ${ms} ms (${result.attempts} attempt${result.attempts === 1 ? '' : 's'})`);
    const certNames = identity.authMode === 'KEY' ? undefined : certFileNamesFor(identity.deviceName);
    output.say(certNames === undefined
      ? `credential saved to ${file} (key_deviceinfo.deviceSecret, mode 0600)`
      : `credential saved to ${CERTS_DIR}/${certNames.devCertFile} and ${CERTS_DIR}/${certNames.devPrivateKeyFile} next to ${file} (key mode 0600)`);
    return output.succeed({ ...identity, registered: true, api: options.api, gateway: `https://${gateway.host}:${gateway.port}`, attempts: result.attempts, durationMs: ms });
  } catch (error) {
    return output.failAny(error, context);
  }
}
