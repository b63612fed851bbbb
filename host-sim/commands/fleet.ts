/**
 * tc-iot-device fleet -n N [--concurrency C] [--json]
 *
 * Registers and logs in N simulated devices (distinct names, each with its own device-info file) against the
 * in-process local cloud — or, with -c TEMPLATE, against --gateway/--broker (--ca) — C at a time, through the same composition root as `register` and `connect`.
 * A progress bar on a terminal only (stderr); a summary at the end; with --json exactly one object:
 * {"devices","registered","connected","failed","p50Ms","p95Ms","durationMs"}. Exit 0 when every device
 * registered and logged in, 1 when any failed (the summary counts them), the usual codes for usage errors.
 */
import { FLEET_USAGE } from '../usage.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { FILE_CAPS, readFailureReason, readRegularFile } from '../../hal/node/regular-file.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../hal/node/index.js';
import { IotError, isIotError } from '../../src/errors.js';
import { parseDeviceInfo } from '../../src/device/device-info.js';
import type { AuthMode } from '../../src/conventions/unions.js';
import { logLevelFrom, parseCommandArgs } from '../cli-args.js';
import { CommandOutput, type CliIo } from '../cli-output.js';
import { connectHostDevice, openHostDevice, registerHostDevice } from '../device.js';
import { writeNewDeviceInfo } from '../device-info-file.js';
import { parseBrokerUrl, parseGatewayUrl, type BrokerEndpoint, type GatewayEndpoint } from '../endpoint-url.js';
import { percentile, runPool } from '../fleet-stats.js';
import { startLocalCloud, type LocalCloud } from '../local-cloud.js';
import { UsageError } from '../usage-error.js';
import { readCaFile } from './shared.js';


const FLEET_OPTIONS = Object.freeze({
  count: { type: 'string', short: 'n' },
  concurrency: { type: 'string' },
  config: { type: 'string', short: 'c' },
  gateway: { type: 'string' },
  broker: { type: 'string' },
  ca: { type: 'string' },
} as const);

/** Which product the fleet's devices belong to, and where they register and log in. */
interface FleetTarget {
  productId: string;
  productSecret: string;
  authMode: AuthMode;
  region: string;
  /** Device names are `<prefix>-000001` … */
  prefix: string;
  gateway?: GatewayEndpoint;
  broker?: BrokerEndpoint;
  caPem?: string;
  description: string;
}

/**
 * Another cloud (a `tc-iot-device cloud` elsewhere, or Tencent's): the product comes from a device-info file
 * used as a template (its deviceName becomes the name prefix), so the product secret never sits on a command line.
 */
async function externalTarget(values: { config?: string | undefined; gateway?: string | undefined; broker?: string | undefined; ca?: string | undefined }): Promise<FleetTarget> {
  const file = values.config!;
  let text: string;
  try {
    text = await readRegularFile(file, FILE_CAPS.deviceInfo);
  } catch (error) {
    throw new IotError('bad-input', `cannot read the template device-info file ${file} (${readFailureReason(error)})`, { cause: error });
  }
  const info = parseDeviceInfo(text);
  if (info.productSecret === '') throw new IotError('bad-input', `${file} has no productSecret: the fleet registers every device`);
  // Names get "-000001" appended and must stay within Tencent's 48 characters.
  if (info.deviceName.length > 41) throw new IotError('bad-input', `deviceName in ${file} is the fleet's name prefix and may have at most 41 characters`);
  const caPem = await readCaFile(values.ca);
  return {
    productId: info.productId,
    productSecret: info.productSecret,
    authMode: info.authMode,
    region: info.region,
    prefix: info.deviceName,
    ...(values.gateway === undefined ? {} : { gateway: parseGatewayUrl(values.gateway) }),
    ...(values.broker === undefined ? {} : { broker: parseBrokerUrl(values.broker) }),
    ...(caPem === undefined ? {} : { caPem }),
    description: `${values.gateway ?? `the ${info.region} gateway`}, ${values.broker ?? `the ${info.region} broker`}`,
  };
}

const MAX_DEVICES = 100000;

function positiveInteger(text: string | undefined, flag: string, fallback: number | undefined, max: number): number {
  if (text === undefined) {
    if (fallback === undefined) throw new UsageError(`fleet needs ${flag} N`);
    return fallback;
  }
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max} (got "${text}")`);
  return Number(text);
}

function progressBar(done: number, total: number, failed: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${failed > 0 ? ` (${failed} failed)` : ''}`;
}

export async function runFleet(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  const output = new CommandOutput(io, json, 'fleet');
  let cloud: LocalCloud | undefined;
  let folder: string | undefined;
  try {
    const { values } = parseCommandArgs(argv, FLEET_OPTIONS);
    if (values.help === true) {
      io.stdout(`${FLEET_USAGE}\n`);
      return 0;
    }
    const count = positiveInteger(values.count, '-n', undefined, MAX_DEVICES);
    const concurrency = positiveInteger(values.concurrency, '--concurrency', 50, 1000);
    const logger = new Logger({ level: logLevelFrom(values), write: io.stderr });
    let target: FleetTarget;
    if (values.config !== undefined) {
      target = await externalTarget(values);
    } else {
      if (values.gateway !== undefined || values.broker !== undefined || values.ca !== undefined) throw new UsageError('fleet with --gateway/--broker/--ca needs -c TEMPLATE (a device-info file naming the product)');
      cloud = await startLocalCloud('KEY');
      target = {
        productId: cloud.productId, productSecret: cloud.productSecret, authMode: 'KEY', region: 'china', prefix: 'fleet',
        gateway: parseGatewayUrl(cloud.gatewayUrl), broker: parseBrokerUrl(cloud.brokerUrl), caPem: cloud.caPem,
        description: `the local cloud (${cloud.gatewayUrl}, ${cloud.brokerUrl})`,
      };
    }
    logger.addSecret(target.productSecret);
    folder = await mkdtemp(join(tmpdir(), 'tc-iot-device-fleet-'));
    output.say(`fleet: ${count} devices of product ${target.productId}, ${concurrency} at a time, against ${target.description}`);

    let registered = 0;
    let connected = 0;
    let failed = 0;
    let done = 0;
    const latencies: number[] = [];
    const failures = new Map<string, number>();
    const showProgress = io.stderrIsTTY && !json;
    const started = Date.now();
    const activeFolder = folder;
    const t = target;
    await runPool(count, concurrency, async (index) => {
      const deviceName = `${t.prefix}-${String(index + 1).padStart(6, '0')}`;
      const file = join(activeFolder, `${deviceName}.json`);
      const deviceStarted = Date.now();
      try {
        await writeNewDeviceInfo(file, { authMode: t.authMode, productId: t.productId, productSecret: t.productSecret, deviceName, region: t.region });
        const device = await openHostDevice(file, { logger, ...(t.caPem === undefined ? {} : { caPem: t.caPem }) });
        const result = await registerHostDevice(device, { api: 'v1', ...(t.gateway === undefined ? {} : { gateway: t.gateway }) });
        if (result.registered) registered += 1;
        const session = await connectHostDevice(device, t.broker === undefined ? {} : { broker: t.broker });
        connected += 1;
        await session.session.end();
        latencies.push(Date.now() - deviceStarted);
      } catch (error) {
        failed += 1;
        const key = isIotError(error) ? `${error.code}: ${error.message}` : String(error);
        failures.set(key, (failures.get(key) ?? 0) + 1);
        logger.log('warn', `${deviceName} failed: ${key}`);
      }
      done += 1;
      if (showProgress) io.stderr(progressBar(done, count, failed));
    });
    const durationMs = Date.now() - started;
    if (showProgress) io.stderr('\n');
    latencies.sort((a, b) => a - b);
    const summary = {
      devices: count,
      registered,
      connected,
      failed,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      durationMs,
    };
    if (json) {
      io.stdout(`${JSON.stringify(summary)}\n`);
    } else {
      output.say(`registered ${registered}, connected ${connected}, failed ${failed} of ${count} in ${durationMs} ms (${(count / (durationMs / 1000)).toFixed(1)} devices/s)`);
      output.say(`per device (register + login + disconnect): p50 ${summary.p50Ms} ms, p95 ${summary.p95Ms} ms`);
      for (const [reason, times] of failures) output.say(`  ${times} × ${reason}`);
    }
    return failed === 0 ? 0 : 1;
  } catch (error) {
    return output.failAny(error, { step: 'fleet' });
  } finally {
    await cloud?.close().catch(() => undefined);
    if (folder !== undefined) await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  }
}
