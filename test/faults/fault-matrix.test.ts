/**
 * The fault matrix: every fault a device meets in the field, injected by a server made for it, against the
 * registration gateway and the MQTT broker, on both devices (the host simulator and the device code on XS).
 * For each case: a typed error with the documented code (README, "Faults and the codes they give"), the old
 * credential kept and nothing new stored, no secret in any output, and bounded retries (every attempt the
 * retry policy allows, and no more; none for a fault that retrying cannot fix). Prints the counts at the end.
 */
import { strict as assert } from 'node:assert';
import { BROKER_FAULTS, FaultServer, GATEWAY_FAULTS, makeFaultChain, type BrokerFault, type FaultChain, type GatewayFault } from './fault-server.js';
import { HostTarget, ISSUED_SECRET, MAX_ATTEMPTS, OLD_SECRET, PRODUCT_SECRET, XsTarget, type Outcome } from './targets.js';

/**
 * What each gateway fault must give; `retried`: every attempt is made. The same on both devices, except a
 * refused connection on XS: Moddable's SecureSocket reports a connection that fails before the handshake
 * like a failed handshake, so the device sees `tls` (not retried by provision(); the app retries it later).
 */
export const GATEWAY_EXPECTED: Readonly<Record<GatewayFault, { code: string; retried: boolean; xs?: { code: string; retried: boolean } }>> = {
  refused: { code: 'transport', retried: true, xs: { code: 'tls', retried: false } },
  reset: { code: 'transport', retried: true },
  'tls-alert': { code: 'tls', retried: false },
  stall: { code: 'timeout', retried: true },
  trickle: { code: 'timeout', retried: true },
  truncated: { code: 'transport', retried: true },
  oversized: { code: 'bad-response', retried: false },
  'malformed-json': { code: 'bad-response', retried: false },
  'wrong-request-id': { code: 'bad-response', retried: false },
  'bad-ciphertext-length': { code: 'bad-response', retried: false },
  'http-5xx': { code: 'unavailable', retried: true },
};

/**
 * What each broker fault must give. The host (MQTT.js) tells the failures apart; Moddable's MQTT client
 * reports every close before CONNACK alike, so on the device they are all `refused` (README, "only on
 * hardware"), except the login time-out.
 */
export const BROKER_EXPECTED: Readonly<Record<BrokerFault, { host: string; xs: string }>> = {
  refused: { host: 'transport', xs: 'refused' },
  reset: { host: 'transport', xs: 'refused' },
  'tls-alert': { host: 'tls', xs: 'refused' },
  stall: { host: 'timeout', xs: 'timeout' },
  trickle: { host: 'timeout', xs: 'timeout' },
  truncated: { host: 'transport', xs: 'refused' },
  // MQTT.js (under the fake on XS too) buffers an announced 256 MB packet: the login time-out ends it.
  oversized: { host: 'timeout', xs: 'timeout' },
  'malformed-packet': { host: 'transport', xs: 'refused' },
  'connack-unavailable': { host: 'unavailable', xs: 'refused' },
  // The host publishes at once with QoS 1: a close instead of PUBACK is how MQTT 3.1.1 refuses a publish, so
  // it reads `refused`. The device publishes QoS 0 after the close was reported: `transport`.
  'drop-after-connack': { host: 'refused', xs: 'transport' },
};

/** MQTT has no JSON, no request id and no ciphertext: these gateway faults have no broker counterpart. */
export const BROKER_NOT_APPLICABLE = ['malformed-json', 'wrong-request-id', 'bad-ciphertext-length'] as const;

const SECRETS = [PRODUCT_SECRET, OLD_SECRET, ISSUED_SECRET];
/** An MQTT password (hex HMAC then the algorithm), whatever the connid made it. */
const PASSWORD_SHAPE = /[0-9a-f]{40,64};hmacsha(1|256)/;

const tally = { cases: 0, passed: 0, failed: [] as string[] };

function checkSecrets(outcome: Outcome): void {
  for (const secret of SECRETS) assert.ok(!outcome.output.includes(secret), `a secret (${secret.slice(0, 4)}…) appears in the output`);
  assert.doesNotMatch(outcome.output, PASSWORD_SHAPE, 'an MQTT password appears in the output');
}

describe('fault matrix', function () {
  this.timeout(60_000);
  let chain: FaultChain;
  let host: HostTarget;
  let xs: XsTarget;
  const options = { productSecret: PRODUCT_SECRET, issuedSecret: ISSUED_SECRET };

  before(async function () {
    this.timeout(120_000);
    chain = makeFaultChain();
    host = await HostTarget.start(chain);
    xs = await XsTarget.start(chain);
  });
  after(async () => {
    await host?.close();
    if (xs !== undefined) {
      assert.deepEqual(xs.uncaught, [], 'no uncaught exception on XS');
      await xs.close();
    }
    const line = `fault matrix: ${tally.cases} cases, ${tally.passed} passed${tally.failed.length > 0 ? `, failed: ${tally.failed.join('; ')}` : ''} (broker n/a: ${BROKER_NOT_APPLICABLE.join(', ')})`;
    process.stdout.write(`\n  ${line}\n`);
    // Again at the very end of the run, after mocha's own summary (test/support/summary-reporter.cjs).
    const shared = globalThis as { __summaryLines?: string[] };
    (shared.__summaryLines ??= []).push(line);
  });

  async function run(label: string, body: () => Promise<void>): Promise<void> {
    tally.cases += 1;
    try {
      await body();
      tally.passed += 1;
    } catch (error) {
      tally.failed.push(label);
      throw error;
    }
  }

  for (const fault of GATEWAY_FAULTS) {
    for (const targetName of ['host', 'xs'] as const) {
      const label = `gateway × ${fault} × ${targetName === 'host' ? 'host simulator' : 'device code on XS'}`;
      it(label, () => run(label, async () => {
        const server = fault === 'refused' ? undefined : await FaultServer.gateway(fault, { chain, ...options });
        try {
          const port = server?.port ?? await FaultServer.closedPort();
          const outcome = await (targetName === 'host' ? host : xs).register(port);
          const expected = (targetName === 'xs' ? GATEWAY_EXPECTED[fault].xs : undefined) ?? GATEWAY_EXPECTED[fault];
          assert.equal(outcome.code, expected.code, `typed error: ${outcome.message}`);
          assert.equal(outcome.stored, OLD_SECRET, 'the old credential is kept, nothing new stored');
          checkSecrets(outcome);
          assert.equal(outcome.attempts, expected.retried ? MAX_ATTEMPTS : 1, `attempts (bounded): ${outcome.output}`);
          if (server !== undefined) assert.equal(server.connections, outcome.attempts, 'one connection per attempt');
        } finally {
          await server?.close();
        }
      }));
    }
  }

  for (const fault of BROKER_FAULTS) {
    for (const targetName of ['host', 'xs'] as const) {
      const label = `broker × ${fault} × ${targetName === 'host' ? 'host simulator' : 'device code on XS'}`;
      it(label, () => run(label, async () => {
        const server = fault === 'refused' ? undefined : await FaultServer.broker(fault, { chain, ...options });
        try {
          const port = server?.port ?? await FaultServer.closedPort();
          const outcome = await (targetName === 'host' ? host : xs).login(port);
          assert.equal(outcome.code, BROKER_EXPECTED[fault][targetName], `typed error: ${outcome.message}`);
          assert.equal(outcome.stored, OLD_SECRET, 'the credential is kept');
          checkSecrets(outcome);
          if (server !== undefined) assert.equal(server.connections, 1, 'one connection: a login is not retried by itself');
        } finally {
          await server?.close();
        }
      }));
    }
  }
});
