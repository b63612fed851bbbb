/**
 * Runs every HAL contract case (contract.ts) against the Node HAL, with the TLS endpoints of servers.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeHal, Logger } from '../../hal/node/index.js';
import { MAX_STORED_CREDENTIAL_BYTES } from '../../src/device/record.js';
import { halContractCases, type HalContractContext } from './contract.js';
import { startContractServers, type ContractServers } from './servers.js';

const PLACEHOLDER_DEVICE_INFO = (authMode: 'KEY' | 'CERT', deviceName: string): string => JSON.stringify({
  auth_mode: authMode,
  productId: 'K7QW2ZP4XA',
  productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf',
  deviceName,
  region: 'china',
  key_deviceinfo: { deviceSecret: 'YOUR_IOT_PSK' },
  cert_deviceinfo: { devCertFile: 'YOUR_DEVICE_CERT_FILE_NAME', devPrivateKeyFile: 'YOUR_DEVICE_PRIVATE_KEY_FILE_NAME' },
}, null, 4);

/** Node's socket buffers took about 4 MB before a paused peer stalled them on the CI machines; 8× that. */
const NODE_SINK_FILL_BYTES = 32 * 1024 * 1024;

/** 1970-01-01T00:16:40Z: what an unsynced clock reads. */
const UNSET_CLOCK_SECONDS = 1000;

describe('HAL contract: the Node HAL', function () {
  this.timeout(60000);
  let directory = '';
  let servers: ContractServers | undefined;
  let context: HalContractContext;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'hal-contract-'));
    servers = await startContractServers();
    const running = servers;
    let counter = 0;
    context = {
      async freshHal(authMode, options = {}) {
        counter += 1;
        const deviceDirectory = mkdtempSync(join(directory, `device-${counter}-`));
        const deviceName = `contract-${counter}`;
        const file = join(deviceDirectory, 'device_info.json');
        writeFileSync(file, PLACEHOLDER_DEVICE_INFO(authMode, deviceName));
        const logLines: string[] = [];
        const write = options.logSinkThrows === true ? (): never => { throw new Error('the log sink is broken'); } : (line: string): void => { logLines.push(line); };
        const logger = new Logger({ level: options.logThreshold ?? 'debug', write });
        const hal = createNodeHal({
          storage: file, caPem: running.caPem, logger,
          ...(options.unsetClock === true ? { now: () => UNSET_CLOCK_SECONDS } : {}),
        });
        return { hal, productId: 'K7QW2ZP4XA', deviceName, logLines };
      },
      ...running.endpoints,
      closingGreeting: running.closingGreeting,
      sinkFillBytes: NODE_SINK_FILL_BYTES,
      connectionCount: async () => running.accepted(),
      sampleCertificatePem: running.samples[0].certificatePem,
      samplePrivateKeyPem: running.samples[0].privateKeyPem,
      otherCertificatePem: running.samples[1].certificatePem,
      otherPrivateKeyPem: running.samples[1].privateKeyPem,
      maxStoredCredentialBytes: MAX_STORED_CREDENTIAL_BYTES,
    };
  });

  after(async () => {
    await servers?.close();
    if (directory !== '') rmSync(directory, { recursive: true, force: true });
  });

  for (const contractCase of halContractCases) {
    it(contractCase.name, () => contractCase.run(context));
  }
});
