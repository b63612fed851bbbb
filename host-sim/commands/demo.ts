/**
 * tc-iot-device demo — what `npm start` runs. No network, no arguments: starts the local cloud in-process
 * with a fresh product, writes a device-info file in a temp folder, registers, logs in, subscribes to the
 * device's data topic, publishes to it, receives the message back, and tells the story with timings.
 */
import { DEMO_USAGE } from '../usage.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../hal/node/index.js';
import { logLevelFrom, parseCommandArgs } from '../cli-args.js';
import { CommandOutput, processIo, type CliIo } from '../cli-output.js';
import { demoShouldWaitForUser, waitWhileUserLooks } from './demo-console.js';
import { connectHostDevice, dataTopic, openHostDevice, registerHostDevice } from '../device.js';
import { writeNewDeviceInfo } from '../device-info-file.js';
import { parseBrokerUrl, parseGatewayUrl } from '../endpoint-url.js';
import type { FailureContext } from '../explain-failure.js';
import { startLocalCloud, type LocalCloud } from '../local-cloud.js';


export async function runDemo(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  const output = new CommandOutput(io, json, 'demo');
  const context: FailureContext = { step: 'demo' };
  let cloud: LocalCloud | undefined;
  let folder: string | undefined;
  const begin = Date.now();
  let mark = begin;
  const lap = (): string => {
    const now = Date.now();
    const text = `${now - mark} ms`;
    mark = now;
    return text;
  };
  const steps: Record<string, number> = {};
  const step = (name: string, line: string): void => {
    const ms = Date.now() - mark;
    steps[name] = ms;
    output.say(`${String(Object.keys(steps).length).padStart(2)}. ${line} (${lap()})`);
  };
  try {
    const { values } = parseCommandArgs(argv, {});
    if (values.help === true) {
      io.stdout(`${DEMO_USAGE}\n`);
      return 0;
    }
    const logger = new Logger({ level: logLevelFrom(values), write: io.stderr });
    output.say('tc-iot-device demo: a device registers with a local Tencent IoT cloud and talks MQTT (no network, no account)');
    cloud = await startLocalCloud('KEY');
    logger.addSecret(cloud.productSecret);
    step('cloudMs', `started the local cloud: gateway ${cloud.gatewayUrl}, broker ${cloud.brokerUrl}, product ${cloud.productId} (key auth, auto-registration), console ${cloud.consoleUrl}`);

    folder = await mkdtemp(join(tmpdir(), 'tc-iot-device-demo-'));
    const file = join(folder, 'device_info.json');
    const deviceName = `demo-${Date.now().toString(36)}`;
    await writeNewDeviceInfo(file, { authMode: 'KEY', productId: cloud.productId, productSecret: cloud.productSecret, deviceName });
    context.file = file;
    step('fileMs', `wrote ${file} in the C SDK's format, device ${deviceName}, deviceSecret still the placeholder YOUR_IOT_PSK`);

    context.step = 'register';
    const device = await openHostDevice(file, { logger, caPem: cloud.caPem });
    const registered = await registerHostDevice(device, { api: 'v1', gateway: parseGatewayUrl(cloud.gatewayUrl) });
    step('registerMs', `registered over HTTPS (POST /register/dev, HMAC-SHA1 signature, AES-128-CBC payload decrypted) in ${registered.attempts} attempt(s); device secret saved to the file (mode 0600)`);

    context.step = 'connect';
    const connected = await connectHostDevice(device, { broker: parseBrokerUrl(cloud.brokerUrl) });
    step('connectMs', `logged in over MQTT/TLS as ${connected.clientId} (username and HMAC-SHA256 password from the stored secret)`);

    const topic = dataTopic(device.record);
    try {
      context.step = 'subscribe';
      await connected.session.subscribe(topic);
      step('subscribeMs', `subscribed to ${topic}`);
      context.step = 'publish';
      const message = JSON.stringify({ hello: 'from tc-iot-device', at: new Date().toISOString() });
      await connected.session.publish(topic, message);
      step('publishMs', `published ${Buffer.byteLength(message)} bytes to ${topic} with QoS 1 (PUBACK received)`);
      const received = await connected.session.nextMessage();
      const text = Buffer.from(received.payload).toString('utf8');
      if (received.topic !== topic || text !== message) throw new Error(`received ${received.topic} "${text}" instead of the message sent`);
      step('receiveMs', `received it back on ${received.topic}: ${text}`);
      if (demoShouldWaitForUser(json, io === processIo)) await waitWhileUserLooks((line) => output.say(line), cloud.consoleUrl, connected.session, topic);
    } finally {
      await connected.session.end();
    }
    await cloud.close();
    cloud = undefined;
    await rm(folder, { recursive: true, force: true });
    folder = undefined;
    step('cleanupMs', 'disconnected, stopped the cloud, removed the temp folder');
    const totalMs = Date.now() - begin;
    output.say(`done in ${totalMs} ms. Next: \`tc-iot-device cloud --products FILE\` for a cloud of your own, then register/connect with --gateway, --broker and --ca.`);
    return output.succeed({ productId: device.record.productId, deviceName, clientId: connected.clientId, topic, steps, totalMs });
  } catch (error) {
    return output.failAny(error, context);
  } finally {
    await cloud?.close().catch(() => undefined);
    if (folder !== undefined) await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  }
}
