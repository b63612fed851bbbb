/**
 * `npm run bench` (after `npm run build`): measures the core against @noble/* and crypto-js in ONE run —
 * XS compute and memory, the core's tables, minified sizes, Node throughput, firmware size — writes
 * bench/results.json (shape: bench/results.ts), regenerates the README's performance tables and prints the tables.
 * Exits 1 if any library's output disagrees with the Tencent vectors (a wrong answer fast is no answer).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { pathToFileURL } from 'node:url';
import { vectors as tencentVectors } from '../test/vectors/tencent.js';
import { REPO_ROOT } from './bundle.js';
import { CORE_TABLES, reconcile } from './core-tables.js';
import { measureFirmware } from './firmware.js';
import { measureOnSimulator } from './simulator-figures.js';
import { measureNodeThroughput } from './node-throughput.js';
import type { BenchInputs } from './ops/bench-ops.js';
import { writeReadmeSection } from './render-readme-table.js';
import type { BenchResults, LibraryName, OperationName, PeerName, RatioToPeers, XsLibraryFigures } from './results.js';
import { measureCryptoSizes } from './size.js';
import { measureLibraryOnXs, measureMemoryOnXs, OPERATIONS, retainedCoreBuffers } from './xs-measure.js';
import type { ExpectedOutputs } from './xs-measure.js';

const LIBRARIES: readonly LibraryName[] = ['ours', 'noble', 'crypto-js'];

function ratioToPeers(ours: number, noble: number, cryptoJs: number): RatioToPeers {
  const cheaperPeerName: PeerName = noble <= cryptoJs ? 'noble' : 'crypto-js';
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return { noble: round(ours / noble), 'crypto-js': round(ours / cryptoJs), cheaperPeer: round(ours / Math.min(noble, cryptoJs)), cheaperPeerName };
}

/** Bytes the core turns into the wanted connid, found with the core's own mapping (see vector-suite.ts). */
function randomForConnId(connIdFromRandom: (bytes: Uint8Array) => string, connId: string): number[] {
  const bytes = new Uint8Array(connId.length);
  for (let position = 0; position < connId.length; position++) {
    let b = 0;
    for (; b < 256; b++) {
      bytes[position] = b;
      if (connIdFromRandom(bytes).charAt(position) === connId.charAt(position)) break;
    }
    if (b === 256) throw new Error(`connIdFromRandom never yields the vector's character at position ${position}`);
  }
  return [...bytes];
}

async function inputsAndExpectations(): Promise<{ inputs: BenchInputs; expected: ExpectedOutputs; labels: Record<OperationName, string> }> {
  const vectors = tencentVectors;
  const v1 = vectors.legacyRegister[0]!;
  const v2 = vectors.v2Register.find((v) => v.algorithm === 'hmacsha256')!;
  const keyPayload = vectors.payloads.find((p) => p.name === 'key-mode')!;
  const certPayload = vectors.payloads.find((p) => p.name === 'cert-mode')!;
  const mqtt = vectors.mqtt.find((m) => m.algorithm === 'hmacsha1' && m.productId === v1.productId && m.deviceName === v1.deviceName)!;
  if (!v1 || !v2 || !keyPayload || !certPayload || !mqtt) throw new Error('tencent-iot.json lacks a vector the bench needs');
  if (keyPayload.productSecret !== v1.productSecret || !keyPayload.plaintext.includes(mqtt.psk)) throw new Error('the key-mode flow vectors do not belong together');
  const core = (await import(pathToFileURL(`${REPO_ROOT}dist/core.js`).href)) as { connIdFromRandom: (b: Uint8Array) => string };
  const aesKey = keyPayload.productSecret.slice(0, 16);
  const stringToSign = v2.stringToSign;
  const ciphertextHex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');
  // Tencent pads with zeros: the full decryption is the plaintext followed by zero bytes up to the block.
  const paddedPlaintextHex = (plaintext: string, ciphertextB64: string): string => {
    const full = Buffer.alloc(Buffer.from(ciphertextB64, 'base64').length);
    Buffer.from(plaintext, 'utf8').copy(full);
    return full.toString('hex');
  };
  if (certPayload.productSecret.slice(0, 16) !== aesKey) throw new Error('the payload vectors use different AES keys');
  const inputs: BenchInputs = {
    primitives: {
      productSecret: v1.productSecret,
      signSource: v1.signSource,
      stringToSign,
      aesKey,
      iv: '0000000000000000',
      keyCiphertextHex: ciphertextHex(keyPayload.Payload),
      certCiphertextHex: ciphertextHex(certPayload.Payload),
    },
    v1: { productId: v1.productId, productSecret: v1.productSecret, deviceName: v1.deviceName, nonce: v1.nonce, timestamp: v1.timestamp, signSource: v1.signSource },
    v2: { productSecret: v2.productSecret, host: v2.host, timestamp: v2.timestamp, nonce: v2.nonce, body: v2.body },
    keyPayload: { productSecret: keyPayload.productSecret, payload: keyPayload.Payload, len: keyPayload.Len },
    certPayload: { productSecret: certPayload.productSecret, payload: certPayload.Payload, len: certPayload.Len },
    keyFlow: {
      productId: v1.productId,
      productSecret: v1.productSecret,
      deviceName: v1.deviceName,
      nonce: v1.nonce,
      timestamp: v1.timestamp,
      gatewayHost: 'gateway.tencentdevices.com',
      responseText: JSON.stringify({ code: 0, message: '', len: keyPayload.Len, payload: keyPayload.Payload }),
      sdkAppId: mqtt.sdkAppId,
      connId: mqtt.connId,
      connIdRandom: randomForConnId(core.connIdFromRandom, mqtt.connId),
      expiry: mqtt.expiry,
    },
  };
  if (v2.productSecret !== v1.productSecret) throw new Error('the v1 and v2 vectors use different product secrets');
  const expected: ExpectedOutputs = {
    hmacSha1SignSource: v1.hmacSha1Hex,
    hmacSha256StringToSign: Buffer.from(v2.signature, 'base64').toString('hex'),
    aesCbcDecryptKey: paddedPlaintextHex(keyPayload.plaintext, keyPayload.Payload),
    aesCbcDecryptCert: paddedPlaintextHex(certPayload.plaintext, certPayload.Payload),
    v1Signature: v1.signature,
    v2Signature: v2.signature,
    decryptKeyPayload: keyPayload.plaintext,
    decryptCertPayload: certPayload.plaintext,
    keyModeFlow: mqtt.password,
  };
  const labels = Object.fromEntries(OPERATIONS.map((o) => [o.name, o.label])) as Record<OperationName, string>;
  labels.v1Signature = `v1 signature (HMAC-SHA1 of the ${v1.signSource.length}-byte sign source, hex, Base64)`;
  labels.decryptKeyPayload = `decrypt key-mode payload (${Math.ceil(keyPayload.Len / 16) * 16} B)`;
  labels.decryptCertPayload = `decrypt certificate payload (${Math.ceil(certPayload.Len / 16) * 16} B)`;
  labels.hmacSha1SignSource = `bare HMAC-SHA1 of the ${v1.signSource.length}-byte sign source`;
  labels.hmacSha256StringToSign = `bare HMAC-SHA256 of the ${stringToSign.length}-byte v2 string to sign`;
  labels.aesCbcDecryptKey = `bare AES-128-CBC decrypt, ${Math.ceil(keyPayload.Len / 16) * 16} B`;
  labels.aesCbcDecryptCert = `bare AES-128-CBC decrypt, ${Math.ceil(certPayload.Len / 16) * 16} B`;
  return { inputs, expected, labels };
}

function xsnapVersion(): string {
  return (JSON.parse(readFileSync(`${REPO_ROOT}node_modules/@agoric/xsnap/package.json`, 'utf8')) as { version: string }).version;
}

async function main(): Promise<number> {
  const { inputs, expected, labels } = await inputsAndExpectations();

  const libraries = {} as Record<LibraryName, XsLibraryFigures>;
  for (const library of LIBRARIES) {
    process.stderr.write(`bench: XS ${library}…\n`);
    libraries[library] = await measureLibraryOnXs(library, inputs, expected);
  }
  process.stderr.write('bench: XS ours, crypto only (memory)…\n');
  const oursCryptoOnly = await measureMemoryOnXs('ours-crypto-only', inputs);
  const wrong = LIBRARIES.flatMap((l) => OPERATIONS.filter((o) => !libraries[l].verified[o.name]).map((o) => `${l} ${o.name}`));

  process.stderr.write('bench: core tables, sizes, Node throughput, firmware…\n');
  const retained = await retainedCoreBuffers();
  const sizes = await measureCryptoSizes();
  const node = await measureNodeThroughput();
  const firmware = await measureFirmware();
  process.stderr.write('bench: the firmware on Moddable\'s simulator…\n');
  const simulator = await measureOnSimulator();

  const computeRatios = Object.fromEntries(
    OPERATIONS.map((o) => [o.name, ratioToPeers(libraries.ours.compute[o.name], libraries.noble.compute[o.name], libraries['crypto-js'].compute[o.name])]),
  ) as Record<OperationName, RatioToPeers>;
  const slots = (l: LibraryName): number => libraries[l].memory.liveSlotsAfterLoadAndDecrypt;
  const totalBufferBytes = retained.reduce((sum, b) => sum + b.bytes, 0);
  const tables = reconcile(CORE_TABLES, retained);
  const aesTables = tables.tables.filter((t) => t.file === 'src/crypto/aes.ts');
  const aesTableBytes = aesTables.reduce((sum, t) => sum + t.bytes, 0);
  const minifiedRatio = ratioToPeers(sizes.ours.minifiedBytes, sizes.noble.minifiedBytes, sizes['crypto-js'].minifiedBytes);

  const targets: BenchResults['targets'] = OPERATIONS.filter((o) => !o.primitive).map((o) => ({
    name: `XS compute: ${labels[o.name]}`,
    target: 'ours ≤ 0.5 × cheaper peer',
    value: computeRatios[o.name].cheaperPeer.toFixed(2),
    met: computeRatios[o.name].cheaperPeer <= 0.5,
  }));
  targets.push({ name: 'AES tables', target: 'low kilobytes (≤ 8 KiB), built once, never written', value: `${aesTableBytes} B`, met: aesTableBytes <= 8192 && aesTables.every((t) => t.foundAtRuntime === true) });
  targets.push({ name: 'Minified size of the five crypto functions', target: 'ours ≤ 0.5 × smaller peer', value: minifiedRatio.cheaperPeer.toFixed(2), met: minifiedRatio.cheaperPeer <= 0.5 });

  const results: BenchResults = {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    environment: { node: process.version, xsnap: xsnapVersion(), platform: `${platform()} ${release()}`, cpus: cpus().length },
    operations: labels,
    xs: {
      libraries,
      computeRatios,
      liveSlotsRatio: ratioToPeers(slots('ours'), slots('noble'), slots('crypto-js')),
      oursCryptoOnly,
      liveSlotsRatioCryptoOnly: ratioToPeers(oursCryptoOnly.memory.liveSlotsAfterLoadAndDecrypt, slots('noble'), slots('crypto-js')),
      coreTables: { inventory: tables.tables, unlisted: tables.unlisted, retainedBuffers: retained, inventoryMatchesRuntime: tables.matches, totalBufferBytes },
    },
    size: {
      libraries: sizes,
      minifiedRatio,
      gzipRatio: ratioToPeers(sizes.ours.gzipBytes, sizes.noble.gzipBytes, sizes['crypto-js'].gzipBytes),
    },
    node,
    firmware,
    simulator,
    targets,
  };

  const resultsPath = `${REPO_ROOT}bench/results.json`;
  writeFileSync(`${resultsPath}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${resultsPath}.tmp`, resultsPath);
  process.stdout.write(writeReadmeSection(resultsPath, `${REPO_ROOT}README.md`));

  if (wrong.length > 0) {
    console.error(`bench: outputs disagree with the Tencent vectors: ${wrong.join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
