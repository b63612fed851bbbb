/**
 * A Moddable app on the library manifest (built and run by test/moddable/hal-contract.sim.ts) that runs EVERY
 * case of the HAL contract suite (test/hal-contract/contract.ts) against the real Moddable HAL on the
 * simulator: createModdableHal with Preference-style storage through the platform module (files under
 * config.flashDir, a separate domain per freshHal), the real SecureSocket to the TLS endpoints named in config,
 * trusting only the CA file config.caFile (the HAL's `ca` option). It iterates whatever cases the suite holds.
 *
 * config: <name>Host/<name>Port for every endpoint of test/hal-contract/servers.ts (echo, closing, silent,
 * sink, mute, reset, untrusted, closedPort) and for `count` (answers the number of connections those accepted,
 * trusted through countCaFile), serverName, closingGreeting, sinkFillBytes, caFile, certificatePemFile,
 * privateKeyPemFile, otherCertificatePemFile, otherPrivateKeyPemFile, flashDir.
 * Lines: `contract cases <n>`, one `contract <name>: ok` or `contract <name>: FAIL <message>` per case, then
 * `contract-app done`.
 */
import config from 'mc/config';
import Timer from 'timer';
import { readHostFile } from 'tc-iot-platform';
import { createModdableHal, loadCaFile, PreferenceStorage } from 'tc-iot-device';
import { MAX_STORED_CREDENTIAL_BYTES } from '../../../src/device/record.js';
import type { Hal } from '../../../hal/hal.js';
import { halContractCases, type ContractEndpoint, type HalContractContext } from '../../hal-contract/contract.js';

declare const trace: (text: string) => void;

/** A case that has not settled after this long is reported as failed (and the next one runs). */
const CASE_LIMIT_MS = 60_000;

function setting(key: string): string {
  const value = config[key];
  if (typeof value !== 'string' || value === '') throw new Error(`config.${key} is missing`);
  return value;
}

function endpoint(name: string): ContractEndpoint {
  return { host: setting(`${name}Host`), port: Number(setting(`${name}Port`)), serverName: setting('serverName') };
}

/** A host file as text (PEM is ASCII). */
function hostText(path: string): string {
  if (readHostFile === undefined) throw new Error('no host files on this platform');
  const bytes = new Uint8Array(readHostFile(path));
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function message(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\n/g, ' ');
}

function withinLimit(run: Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = Timer.set(() => reject(new Error(`no result within ${CASE_LIMIT_MS} ms`)), CASE_LIMIT_MS);
    run.then(
      () => {
        Timer.clear(timer);
        resolve();
      },
      (error: unknown) => {
        Timer.clear(timer);
        reject(error);
      },
    );
  });
}

/** Asks the host's count endpoint how many connections the contract endpoints accepted so far. */
async function acceptedSoFar(hal: Hal): Promise<number> {
  const stream = await hal.connect({ ...endpoint('count'), trust: 'tencent-iothub', timeoutMs: 10_000 });
  let text = '';
  try {
    for (let chunk = await stream.read(); chunk !== undefined; chunk = await stream.read()) {
      for (let i = 0; i < chunk.length; i++) text += String.fromCharCode(chunk[i]!);
    }
  } finally {
    stream.close();
  }
  const count = Number(text);
  if (text === '' || !Number.isInteger(count)) throw new Error(`the count endpoint answered "${text}"`);
  return count;
}

export default async function main(): Promise<void> {
  try {
    const ca = loadCaFile(setting('caFile'));
    const counter = createModdableHal({ ca: loadCaFile(setting('countCaFile')) });
    let halCount = 0;
    const context: HalContractContext = {
      async freshHal(authMode, options = {}) {
        halCount += 1;
        // A fresh, separate store: its own domain (≤ 15 characters) in a flash folder the test made empty.
        const storage = new PreferenceStorage({ domain: `contract${halCount}` });
        const logLines: string[] = [];
        const hal = createModdableHal({
          storage,
          ca,
          logLevel: options.logThreshold ?? 'debug',
          write: options.logSinkThrows === true ? () => { throw new Error('the log sink is broken'); } : (line: string) => { logLines.push(line); },
          ...(options.unsetClock === true ? { now: () => 1000 } : {}),
        });
        return { hal, productId: 'K7QW2ZP4XA', deviceName: `contract-${halCount}-${authMode.toLowerCase()}`, logLines };
      },
      echo: endpoint('echo'),
      closing: endpoint('closing'),
      closingGreeting: setting('closingGreeting'),
      silent: endpoint('silent'),
      sink: endpoint('sink'),
      sinkFillBytes: Number(setting('sinkFillBytes')),
      mute: endpoint('mute'),
      reset: endpoint('reset'),
      // This runs on the Linux simulator, whose modSocket.c reports a reset as a disconnect (hal.ts `read`).
      resetReadsAsEnd: true,
      untrusted: endpoint('untrusted'),
      closedPort: endpoint('closedPort'),
      connectionCount: () => acceptedSoFar(counter),
      sampleCertificatePem: hostText(setting('certificatePemFile')),
      samplePrivateKeyPem: hostText(setting('privateKeyPemFile')),
      otherCertificatePem: hostText(setting('otherCertificatePemFile')),
      otherPrivateKeyPem: hostText(setting('otherPrivateKeyPemFile')),
      maxStoredCredentialBytes: MAX_STORED_CREDENTIAL_BYTES,
    };
    trace(`contract cases ${halContractCases.length}\n`);
    for (const entry of halContractCases) {
      try {
        await withinLimit(entry.run(context));
        trace(`contract ${entry.name}: ok\n`);
      } catch (error) {
        trace(`contract ${entry.name}: FAIL ${message(error)}\n`);
      }
    }
  } catch (error) {
    trace(`contract-app: FAIL ${message(error)}\n`);
  }
  trace('contract-app done\n');
}
