/**
 * The pinned trust anchors, as DER resources built into the firmware (manifest.json "resources"):
 * - tencent-iothub-root.der: the self-signed "Tencent Iothub" root (CN=www.tencent.com, OU=Tencent Iothub,
 *   valid 2017-11-27 .. 2032-11-23, SHA-256 3B:1F:A1:E1:…:78:E7:40) — the v1 gateway and the MQTT brokers.
 * - digicert-global-root-ca.der: DigiCert Global Root CA (valid to 2031-11-10, SHA-256 43:48:A0:E9:…:C7:01:61)
 *   — the v2 gateway. SecureSocket trusts one extra CA per socket, so each connection gets exactly one.
 */
import Resource from 'Resource';
import { readHostFile } from 'tc-iot-platform';
import type { TrustAnchor } from '../hal.js';
import { IotError } from '../../src/errors.js';
import { pemToDer } from '../../src/pki/pem.js';
import { utf8Decode } from '../../src/encoding/utf8.js';

const RESOURCE_OF: Readonly<Record<TrustAnchor, string>> = Object.freeze({
  'tencent-iothub': 'tencent-iothub-root.der',
  'public-web': 'digicert-global-root-ca.der',
});

/**
 * A DER resource by file name (e.g. a local cloud's CA added to the manifest). The value is the Resource
 * itself — a read-only host buffer in flash (modules/files/resource/Resource.c), typed here as ArrayBuffer
 * but NOT an `instanceof ArrayBuffer`: SecureSocket and typed arrays read it, `.slice()` copies it into a
 * real ArrayBuffer (needed e.g. for Preference.set).
 */
export function loadDerResource(name: string): ArrayBuffer {
  if (!Resource.exists(name)) throw new IotError('bad-input', `resource ${name} is not in the firmware (add it to manifest.json "resources")`);
  return new Resource(name) as unknown as ArrayBuffer;
}

export function trustAnchorDer(trust: TrustAnchor): ArrayBuffer {
  return loadDerResource(RESOURCE_OF[trust]);
}

/**
 * A CA from a host file, PEM or DER (`caFile=`): on the desktop simulators a local cloud's `ca.pem` is used as
 * it is written, with no manifest edit and no conversion. Devices have no host file system: there the CA is a
 * resource (`ca=`).
 */
export function loadCaFile(path: string): ArrayBuffer {
  if (readHostFile === undefined) throw new IotError('bad-input', 'config caFile works only on the desktop simulators; on a device add the CA to manifest.json "resources" and set ca=<name>.der');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readHostFile(path));
  } catch (error) {
    throw new IotError('bad-input', `config caFile ${path} cannot be read`, { cause: error });
  }
  // A DER certificate starts with a SEQUENCE tag (0x30); anything else must be PEM text.
  if (bytes[0] === 0x30) return bytes.buffer as ArrayBuffer;
  const der = pemToDer(utf8Decode(bytes), 'CERTIFICATE');
  return der.slice().buffer as ArrayBuffer;
}
