/**
 * The firmware's entry (manifest.json "main"): the composition root that wires the Moddable HAL, the
 * settings from mc/config and the MQTT client to the device app. Moddable calls the default export once the
 * network is up (manifest_net.json joins Wi-Fi, and sets the clock when config.sntp is given).
 */
import config from 'mc/config';
import Net from 'net';
import type { Credential } from '../hal.js';
import { derToPem } from '../../src/pki/pem.js';
import { describeError, runDevice } from './device-app.js';
import { readDeviceSettings, type DeviceSettings } from './device-settings.js';
import { createModdableHal } from './moddable-hal.js';
import { openMqttSession } from './mqtt-session.js';
import { isRsaPkcs8, rsaPkcs8ToPkcs1 } from './pkcs8-unwrap.js';
import { flashDescription } from 'tc-iot-platform';
import { loadCaFile, loadDerResource, trustAnchorDer } from './trust-anchors.js';

function report(step: string, detail: string): void {
  trace(`tc-iot ${step}: ${detail}\n`);
}

/** A certificate and key burned in as DER resources (key: PKCS#1 or PKCS#8), as a credential. */
function burnedInCredential(settings: DeviceSettings): Credential | undefined {
  if (settings.deviceSecret !== undefined) return { kind: 'key', deviceSecret: settings.deviceSecret };
  if (settings.deviceCertResource === undefined || settings.deviceKeyResource === undefined) return undefined;
  const certificate = new Uint8Array(loadDerResource(settings.deviceCertResource).slice(0));
  const key = new Uint8Array(loadDerResource(settings.deviceKeyResource).slice(0));
  return {
    kind: 'cert',
    certificatePem: derToPem(certificate, 'CERTIFICATE'),
    privateKeyPem: derToPem(isRsaPkcs8(key) ? rsaPkcs8ToPkcs1(key) : key, 'RSA PRIVATE KEY'),
  };
}

export default function main(): void {
  let settings: DeviceSettings;
  let caOverride: ArrayBuffer | undefined;
  let burnedIn: Credential | undefined;
  try {
    settings = readDeviceSettings(config as Record<string, unknown>, () => Net.get('MAC'));
    caOverride = settings.caResource !== undefined ? loadDerResource(settings.caResource) : settings.caFile !== undefined ? loadCaFile(settings.caFile) : undefined;
    burnedIn = burnedInCredential(settings);
  } catch (error) {
    // Nothing to retry: the firmware was built with a bad setting. Say which, and stop.
    report('config', `${describeError(error)}; fix the setting and rebuild. Halted.`);
    return;
  }
  report('flash', flashDescription);
  const hal = createModdableHal({ ca: caOverride, logLevel: settings.logLevel, write: (line) => trace(line) });
  runDevice(
    { settings, caOverride, burnedIn },
    { hal, report, brokerCa: () => trustAnchorDer('tencent-iothub'), openMqtt: openMqttSession },
  ).catch((error: unknown) => report('fatal', describeError(error)));
}
