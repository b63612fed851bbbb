/**
 * The firmware's life: clock → credential (flash, burned-in, or registration) → MQTT login → hello →
 * wait for the connection to drop → back off → again. Every step reports one `trace` line (never a
 * secret); every failure is caught, reported and retried after a capped, jittered backoff, so no path
 * ends in an uncaught exception and no retry loop spins.
 */
import type { Credential, Hal } from '../hal.js';
import { isIotError } from '../../src/errors.js';
import type { DeviceRecord } from '../../src/device/record.js';
import { buildMqttLogin } from '../../src/protocol/mqtt-login.js';
import { backoffDelay, uint32FromBytes } from '../../src/runner/backoff.js';
import { provision } from '../../src/runner/provision.js';
import { CLOCK_FLOOR_SECONDS, defaultTopic, loginExpiry } from '../../src/conventions/index.js';
import { syncClock } from './clock.js';
import { tlsIdentityOf } from './credential-codec.js';
import type { DeviceSettings } from './device-settings.js';
import type { MqttSession, MqttSessionOptions } from './mqtt-session.js';

/** What this unit is and what it may use: read from the build's config (device-settings.ts, main.ts). */
export interface DeviceConfig {
  settings: DeviceSettings;
  /** The CA for the gateway and the broker when overridden (local cloud); else the pinned anchors. */
  caOverride: ArrayBuffer | undefined;
  /** A credential built into the firmware, if any: used instead of registering. */
  burnedIn: Credential | undefined;
}

/** What the app runs on: the HAL and the platform's services, injected so the app also runs over fakes. */
export interface DeviceDeps {
  hal: Hal;
  /** One progress line per step; the firmware passes `trace`. */
  report: (step: string, detail: string) => void;
  /** The pinned anchor for the broker ("Tencent Iothub"). */
  brokerCa: () => ArrayBuffer;
  openMqtt: (options: MqttSessionOptions) => Promise<MqttSession>;
  /** Default: Moddable's SNTP (clock.ts). */
  syncClock?: typeof syncClock;
}

/** The two together, as the steps below read them. */
type DeviceAppContext = DeviceConfig & DeviceDeps;

/** A failure together with the step it happened in, for the report line. */
class StepFailure {
  constructor(readonly step: string, readonly cause: unknown) {}
}
Object.freeze(StepFailure.prototype);

async function inStep<T>(step: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new StepFailure(step, error);
  }
}

/** Code, message and the server's own words; IotError messages never hold secrets (errors.ts). */
export function describeError(error: unknown): string {
  if (isIotError(error)) {
    let text = `${error.code}: ${error.message}`;
    if (error.serverCode !== undefined) text += ` (server code ${error.serverCode}${error.serverMessage ? `: ${error.serverMessage}` : ''})`;
    return text;
  }
  // Not ours: name the kind only — a foreign message could echo anything it was given.
  return `unexpected ${error instanceof Error ? error.name : typeof error}`;
}

/**
 * Runs the unit forever: clock, credential (flash, burned in, or registration), MQTT login and a hello, and
 * after any failure a capped, jittered backoff before the next round. Never rejects for a failure of a round.
 */
export async function runDevice(config: DeviceConfig, deps: DeviceDeps): Promise<void> {
  const context: DeviceAppContext = { ...config, ...deps };
  const { settings, hal, report } = context;
  const limits = { baseMs: settings.baseDelayMs, maxMs: settings.maxDelayMs };
  report('boot', `product ${settings.productId}, device ${settings.deviceName}, ${settings.authMode}, region ${settings.region}, api ${settings.api}`);
  let failures = 0;
  for (;;) {
    try {
      await inStep('clock', () => ensureClock(context));
      const record = await ensureCredential(context);
      const session = await inStep('mqtt', () => connect(context, record));
      failures = 0;
      const topic = defaultTopic(settings.productId, settings.deviceName);
      try {
        await inStep('mqtt', async () => {
          session.publish(topic, JSON.stringify({ type: 'hello', device: settings.deviceName, time: hal.now() }));
        });
        report('mqtt', `hello published to ${topic}`);
        await session.closed;
        report('mqtt', 'connection lost; will reconnect');
      } finally {
        // A failed publish leaves the connection up; the next round opens a new one (one socket at a time:
        // lwIP on the ESP32 allows only a few).
        session.close();
      }
    } catch (failure) {
      failures++;
      const step = failure instanceof StepFailure ? failure.step : 'app';
      report(step, `failed: ${describeError(failure instanceof StepFailure ? failure.cause : failure)}`);
    }
    // Retry number failures − 1 (0 after the first failure, as provision() counts), so the first retry waits
    // at most baseDelayMs; a lost connection (failures 0) also waits at most that before reconnecting.
    const delay = backoffDelay(Math.max(0, failures - 1), limits, uint32FromBytes(hal.random(4)));
    report('retry', `next attempt in ${delay} ms (failures in a row: ${failures})`);
    await hal.sleep(delay);
  }
}

async function ensureClock(context: DeviceAppContext): Promise<void> {
  if (context.hal.now() >= CLOCK_FLOOR_SECONDS) return;
  context.report('clock', `not set; asking SNTP server ${context.settings.sntpHost}`);
  const seconds = await (context.syncClock ?? syncClock)(context.settings.sntpHost, context.settings.timeoutMs);
  context.report('clock', `set to ${seconds}`);
}

async function ensureCredential(context: DeviceAppContext): Promise<DeviceRecord> {
  const { settings, hal, report } = context;
  const base: DeviceRecord = {
    productId: settings.productId,
    productSecret: settings.productSecret,
    deviceName: settings.deviceName,
    authMode: settings.authMode,
    region: settings.region,
  };
  if (context.burnedIn !== undefined) {
    report('credential', 'using the credential built into the firmware; not registering');
    return { ...base, credential: context.burnedIn };
  }
  const stored = await hal.storage.load().catch((error: unknown) => {
    report('storage', `cannot read the stored credential (${describeError(error)}); registering again`);
    return undefined;
  });
  const wantedKind = settings.authMode === 'KEY' ? 'key' : 'cert';
  if (stored !== undefined) {
    if (stored.productId === settings.productId && stored.deviceName === settings.deviceName && stored.credential.kind === wantedKind) {
      report('credential', 'found in flash');
      return { ...base, credential: stored.credential };
    }
    report('credential', `flash holds a credential for ${stored.productId}/${stored.deviceName} (${stored.credential.kind}); registering this device`);
  }
  const gateway = settings.gateway ? `${settings.gateway.host}:${settings.gateway.port}` : `the ${settings.region} gateway`;
  report('register', `registering ${settings.deviceName} with ${gateway} (api ${settings.api})`);
  const result = await inStep('register', () => provision(hal, base, {
    api: settings.api,
    algorithm: settings.algorithm,
    ...(settings.gateway ? { gateway: settings.gateway } : {}),
    maxAttempts: settings.maxAttempts,
    baseDelayMs: settings.baseDelayMs,
    maxDelayMs: settings.maxDelayMs,
    timeoutMs: settings.timeoutMs,
  }));
  report('register', `registered after ${result.attempts} attempt(s); ${wantedKind} credential saved to flash`);
  return result.record;
}

async function connect(context: DeviceAppContext, record: DeviceRecord): Promise<MqttSession> {
  const { settings, hal, report } = context;
  const credential = record.credential!;
  const login = buildMqttLogin({
    productId: record.productId,
    deviceName: record.deviceName,
    region: record.region,
    credential,
    algorithm: settings.algorithm,
    connIdRandom: hal.random(8),
    expiry: loginExpiry(hal.now()),
  }, hal.crypto);
  const host = settings.broker?.host ?? login.host;
  const port = settings.broker?.port ?? login.port;
  const identity = credential.kind === 'cert' ? tlsIdentityOf(credential) : undefined;
  report('mqtt', `connecting to ${host}:${port} as ${login.clientId} (${credential.kind === 'cert' ? 'mutual TLS' : 'TLS + password'})`);
  const session = await context.openMqtt({
    host,
    port,
    serverName: host,
    clientId: login.clientId,
    username: login.username,
    password: login.password,
    ca: context.caOverride ?? context.brokerCa(),
    clientCertificate: identity?.certificate,
    clientKey: identity?.key,
    keepAliveMs: settings.keepAliveMs,
    timeoutMs: settings.timeoutMs,
  });
  report('mqtt', 'login accepted by the broker');
  return session;
}
