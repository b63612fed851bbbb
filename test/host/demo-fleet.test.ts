/** `tc-iot-device demo` (what npm start runs) and a small `fleet`, as child processes: no network, no arguments. */
import { strict as assert } from 'node:assert';
import { assertBuilt, CERT_PRODUCT, cSdkDeviceInfo, runCli, startTestCloud, writeDeviceFile } from './helpers.js';

describe('tc-iot-device demo and fleet', function () {
  this.timeout(120000);
  before(assertBuilt);

  it('demo exits 0 and tells each step of the story with timings', async () => {
    const run = await runCli(['demo']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const steps = [
      /^ 1\. started the local cloud: gateway https:\/\/localhost:\d+, broker mqtts:\/\/localhost:\d+, product [A-Z0-9]{10} .*\(\d+ ms\)$/m,
      /^ 2\. wrote .*device_info\.json in the C SDK's format, device demo-\S+, deviceSecret still the placeholder YOUR_IOT_PSK \(\d+ ms\)$/m,
      /^ 3\. registered over HTTPS \(POST \/register\/dev.* \(\d+ ms\)$/m,
      /^ 4\. logged in over MQTT\/TLS as [A-Z0-9]{10}demo-\S+ .*\(\d+ ms\)$/m,
      /^ 5\. subscribed to [A-Z0-9]{10}\/demo-[^/]+\/data \(\d+ ms\)$/m,
      /^ 6\. published \d+ bytes to [A-Z0-9]{10}\/demo-[^/]+\/data with QoS 1 \(PUBACK received\) \(\d+ ms\)$/m,
      /^ 7\. received it back on [A-Z0-9]{10}\/demo-[^/]+\/data: \{"hello":"from tc-iot-device".*\(\d+ ms\)$/m,
      /^ 8\. disconnected, stopped the cloud, removed the temp folder \(\d+ ms\)$/m,
      /^done in \d+ ms\./m,
    ];
    for (const step of steps) assert.match(run.stdout, step);
  });

  it('fleet -n 20 --json: exactly one object of the documented shape, failed 0', async () => {
    const run = await runCli(['fleet', '-n', '20', '--concurrency', '8', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', 'no progress bar when stderr is not a terminal');
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const summary = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(summary), ['devices', 'registered', 'connected', 'failed', 'p50Ms', 'p95Ms', 'durationMs']);
    assert.deepEqual({ devices: summary.devices, registered: summary.registered, connected: summary.connected, failed: summary.failed }, { devices: 20, registered: 20, connected: 20, failed: 0 });
    for (const key of ['p50Ms', 'p95Ms', 'durationMs']) assert.ok(Number.isInteger(summary[key]) && summary[key] >= 0, key);
    assert.ok(summary.p50Ms <= summary.p95Ms && summary.p95Ms <= summary.durationMs);
  });

  it('fleet -c TEMPLATE against another cloud (--gateway, --broker, --ca): certificate devices, failed 0', async () => {
    const test = await startTestCloud();
    try {
      const template = await writeDeviceFile(test.folder, cSdkDeviceInfo(CERT_PRODUCT, 'cfleet'));
      const run = await runCli(['fleet', '-n', '4', '-c', template, '--gateway', test.cloud.gateway, '--broker', test.cloud.broker, '--ca', test.caFile, '--json']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const summary = JSON.parse(run.stdout);
      assert.deepEqual([summary.devices, summary.registered, summary.connected, summary.failed], [4, 4, 4, 0]);
      const human = await runCli(['fleet', '-n', '2', '-c', template, '--gateway', test.cloud.gateway, '--broker', test.cloud.broker]);
      assert.equal(human.code, 1, 'without --ca the TLS check fails for every device, and fleet says so');
      assert.match(human.stdout, /failed 2 of 2/);
      assert.match(human.stdout, /2 × tls: TLS verification failed/);
    } finally {
      await test.close();
    }
  });
});
