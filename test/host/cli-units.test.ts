/** Small pieces of the CLI: origins for --gateway/--broker, --publish extraction, log levels, exit codes, percentiles. */
import { strict as assert } from 'node:assert';
import { extractPublish, logLevelFrom } from '../../host-sim/cli-args.js';
import { parseBrokerUrl, parseGatewayUrl } from '../../host-sim/endpoint-url.js';
import { exitCodeFor } from '../../host-sim/exit-codes.js';
import { percentile, runPool } from '../../host-sim/fleet-stats.js';
import { UsageError } from '../../host-sim/usage-error.js';

describe('CLI pieces', () => {
  it('--gateway takes an https origin; the port defaults to 443; IPv6 literals lose their brackets', () => {
    assert.deepEqual(parseGatewayUrl('https://localhost:40123'), { host: 'localhost', port: 40123 });
    assert.deepEqual(parseGatewayUrl('https://gateway.tencentdevices.com'), { host: 'gateway.tencentdevices.com', port: 443 });
    assert.deepEqual(parseGatewayUrl('https://[::1]:8443/'), { host: '::1', port: 8443 });
    for (const bad of ['http://h:1', 'localhost:1', 'https://h:1/x', 'https://u:p@h:1', 'https://h:1?q=1', 'mqtts://h:1']) {
      assert.throws(() => parseGatewayUrl(bad), UsageError, bad);
    }
  });

  it('--broker takes mqtts:// (TLS, 8883) or mqtt:// (plain, 1883)', () => {
    assert.deepEqual(parseBrokerUrl('mqtts://localhost:40124'), { host: 'localhost', port: 40124, tls: true });
    assert.deepEqual(parseBrokerUrl('mqtts://K7QW2ZP4XA.iotcloud.tencentdevices.com'), { host: 'K7QW2ZP4XA.iotcloud.tencentdevices.com', port: 8883, tls: true });
    assert.deepEqual(parseBrokerUrl('mqtt://127.0.0.1'), { host: '127.0.0.1', port: 1883, tls: false });
    assert.throws(() => parseBrokerUrl('https://h:1'), UsageError);
  });

  it('--publish takes exactly the next two words, once', () => {
    assert.deepEqual(extractPublish(['-c', 'f', '--publish', 't/x', '-v', '--json']), { rest: ['-c', 'f', '--json'], publish: { topic: 't/x', message: '-v' } });
    assert.deepEqual(extractPublish(['-c', 'f']), { rest: ['-c', 'f'] });
    assert.throws(() => extractPublish(['--publish', 't']), UsageError);
    assert.throws(() => extractPublish(['--publish', 'a', 'b', '--publish', 'c', 'd']), UsageError);
  });

  it('log levels: silent by default, -v info, -vv debug, --log-level wins', () => {
    assert.equal(logLevelFrom({}), 'off');
    assert.equal(logLevelFrom({ verbose: [true] }), 'info');
    assert.equal(logLevelFrom({ verbose: [true, true] }), 'debug');
    assert.equal(logLevelFrom({ verbose: [true, true], 'log-level': 'warn' }), 'warn');
    assert.throws(() => logLevelFrom({ 'log-level': 'trace' }), UsageError);
  });

  it('exit codes by error code', () => {
    assert.deepEqual(
      (['bad-input', 'unsupported', 'refused', 'transport', 'tls', 'timeout', 'unavailable', 'bad-response', 'storage', 'clock'] as const).map(exitCodeFor),
      [3, 3, 4, 5, 5, 5, 5, 5, 6, 7],
    );
  });

  it('percentiles by nearest rank; the pool never runs more than its concurrency', async () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 10);
    assert.equal(percentile(sorted, 95), 19);
    assert.equal(percentile([], 50), 0);
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await runPool(25, 4, async (index) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(index);
      active -= 1;
    });
    assert.equal(peak, 4);
    assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i));
  });
});
