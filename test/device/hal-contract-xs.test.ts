/**
 * The portable HAL contract suite (test/hal-contract/contract.ts) run INSIDE the XS engine against the
 * Moddable HAL of the device build (dist/device/tc-iot-device.js): storage over the fake NVS, and TLS through
 * the fake SecureSocket to the endpoints of test/hal-contract/servers.ts.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { halContractCases } from '../hal-contract/contract.js';
import { startContractServers, type ContractServers } from '../hal-contract/servers.js';
import { DEVICE_LIBRARY, REPO_ROOT, bundleForXs } from './device-bundle.js';
import { DeviceHost } from './device-host.js';

/**
 * Bytes that fill every buffer between the fake SecureSocket and a peer that reads nothing: the fake reports
 * no room once node's socket buffer is over its mark, which happens after the kernel's buffers (about 4 MB on
 * the CI machines) are full.
 */
const XS_SINK_FILL_BYTES = 8 * 1024 * 1024;

const ENTRY = `
import { halContractCases } from ${JSON.stringify(join(REPO_ROOT, 'test/hal-contract/contract.ts'))};
import * as library from ${JSON.stringify(DEVICE_LIBRARY)};
const bridge = globalThis.__fakeBridge;
// Every SecureSocket the HAL opens goes through the bridge's 'socket.open': count them there.
let socketOpens = 0;
const call = bridge.call;
bridge.call = (op, args) => {
  if (op === 'socket.open') socketOpens += 1;
  return call.call(bridge, op, args);
};
let halCount = 0;
globalThis.__contract = {
  async run(name) {
    const boot = bridge.boot.config.contract;
    const context = {
      async freshHal(authMode, options = {}) {
        halCount += 1;
        // A fresh, separate store: its own NVS domain (at most 15 characters).
        const storage = new library.PreferenceStorage({ domain: 'contract' + halCount });
        const logLines = [];
        const hal = library.createModdableHal({
          storage, ca: library.loadDerResource('contract-ca.der'), logLevel: options.logThreshold ?? 'debug',
          write: options.logSinkThrows === true ? () => { throw new Error('the log sink is broken'); } : (line) => { logLines.push(line); },
          ...(options.unsetClock === true ? { now: () => 1000 } : {}),
        });
        return { hal, productId: 'K7QW2ZP4XA', deviceName: 'contract-' + halCount + '-' + authMode.toLowerCase(), logLines };
      },
      ...boot.endpoints,
      closingGreeting: boot.closingGreeting,
      sinkFillBytes: boot.sinkFillBytes,
      connectionCount: async () => socketOpens,
      sampleCertificatePem: boot.samples[0].certificatePem, samplePrivateKeyPem: boot.samples[0].privateKeyPem,
      otherCertificatePem: boot.samples[1].certificatePem, otherPrivateKeyPem: boot.samples[1].privateKeyPem,
      maxStoredCredentialBytes: 4000,
    };
    const found = halContractCases.find((item) => item.name === name);
    if (found === undefined) throw new Error('no such case: ' + name);
    await found.run(context);
    return 'passed';
  },
};
`;

describe('HAL contract: the Moddable HAL on XS', function () {
  this.timeout(60_000);
  let servers: ContractServers | undefined;
  let device: DeviceHost;

  before(async () => {
    servers = await startContractServers();
    device = await DeviceHost.boot(await bundleForXs(ENTRY), {
      clock: 'synced',
      resources: { 'contract-ca.der': servers.caDer },
      config: {
        contract: { endpoints: servers.endpoints, closingGreeting: servers.closingGreeting, sinkFillBytes: XS_SINK_FILL_BYTES, samples: servers.samples },
      },
    });
  });

  after(async () => {
    await device?.close();
    await servers?.close();
  });

  for (const contractCase of halContractCases) {
    it(contractCase.name, async () => {
      assert.equal(await device.call(`__contract.run(${JSON.stringify(contractCase.name)})`), 'passed');
      assert.deepEqual(device.uncaught, []);
    });
  }
});
