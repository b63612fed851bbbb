/**
 * tc-iot-device connect -c FILE [--broker URL] [--gateway URL] [--ca FILE] [--tls-psk] [--publish TOPIC MESSAGE] [--json]
 *
 * Logs in over MQTT with the stored credential (registering first when the file holds none), optionally
 * publishes one message with QoS 1, and disconnects cleanly. Exit 0 only after CONNACK accepted (and PUBACK).
 */
import { CONNECT_USAGE } from '../usage.js';
import { Logger } from '../../hal/node/index.js';
import { extractPublish, logLevelFrom, parseCommandArgs } from '../cli-args.js';
import { CommandOutput, type CliIo } from '../cli-output.js';
import { connectHostDevice, openHostDevice, registerHostDevice } from '../device.js';
import { parseBrokerUrl } from '../endpoint-url.js';
import type { FailureContext } from '../explain-failure.js';
import { UsageError } from '../usage-error.js';
import { provisionOptionsFrom, readCaFile, REGISTER_OPTIONS } from './shared.js';


const CONNECT_OPTIONS = Object.freeze({ ...REGISTER_OPTIONS, broker: { type: 'string' }, 'tls-psk': { type: 'boolean' } } as const);

export async function runConnect(argv: string[], io: CliIo): Promise<number> {
  // --publish's two values are taken out first: a message may itself read "--json".
  let extracted: ReturnType<typeof extractPublish> | undefined;
  let extractError: unknown;
  try {
    extracted = extractPublish(argv);
  } catch (error) {
    extractError = error;
  }
  const json = (extracted?.rest ?? argv).includes('--json');
  const output = new CommandOutput(io, json, 'connect');
  const context: FailureContext = { step: 'load' };
  try {
    if (extracted === undefined) throw extractError;
    const { rest, publish } = extracted;
    const { values } = parseCommandArgs(rest, CONNECT_OPTIONS);
    if (values.help === true) {
      io.stdout(`${CONNECT_USAGE}\n`);
      return 0;
    }
    const file = values.config;
    if (file === undefined) throw new UsageError('connect needs -c FILE (the device-info JSON)');
    context.file = file;
    const provisionOptions = provisionOptionsFrom(values);
    const broker = values.broker === undefined ? undefined : parseBrokerUrl(values.broker);
    const logger = new Logger({ level: logLevelFrom(values), write: io.stderr });
    context.step = 'ca';
    const caPem = await readCaFile(values.ca);
    context.step = 'load';
    const device = await openHostDevice(file, { logger, ...(caPem === undefined ? {} : { caPem }) });
    const result: Record<string, unknown> = { productId: device.record.productId, deviceName: device.record.deviceName, authMode: device.record.authMode, file };
    if (device.record.credential === undefined || provisionOptions.force === true) {
      context.step = 'register';
      const registered = await registerHostDevice(device, provisionOptions);
      result.registered = registered.registered;
      output.say(`registered ${device.record.productId}/${device.record.deviceName} first (the file held no credential); saved to ${file}`);
    } else {
      result.registered = false;
    }
    context.step = 'connect';
    const started = Date.now();
    const tlsPsk = values['tls-psk'] === true;
    const connected = await connectHostDevice(device, { ...(broker === undefined ? {} : { broker }), ...(tlsPsk ? { tlsPsk } : {}) });
    const url = `${connected.broker.tls ? 'mqtts' : 'mqtt'}://${connected.broker.host}:${connected.broker.port}`;
    result.clientId = connected.clientId;
    result.broker = url;
    if (tlsPsk) result.tlsPsk = true;
    try {
      output.say(`logged in to ${url} as ${connected.clientId}${tlsPsk ? ' over TLS-PSK' : ''} (CONNACK accepted in ${Date.now() - started} ms)`);
      if (publish !== undefined) {
        context.step = 'publish';
        await connected.session.publish(publish.topic, publish.message);
        output.say(`published ${Buffer.byteLength(publish.message)} bytes to ${publish.topic} (PUBACK received)`);
        result.published = { topic: publish.topic, bytes: Buffer.byteLength(publish.message) };
      }
    } finally {
      await connected.session.end();
    }
    output.say('disconnected cleanly');
    return output.succeed(result);
  } catch (error) {
    return output.failAny(error, context);
  }
}
