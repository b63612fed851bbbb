/**
 * With a state file the registry survives a restart: secrets, activation, the replay cache and the CAs.
 * The file is private (0600) and always whole JSON (written atomically).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, REFUSALS, type RunningCloud } from '../../host-sim/cloud/index.js';
import { connectKey, endClient, post, registerV1, v1Body, V1_ERROR } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const products = { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto', registerLimit: 3 }] };

describe('cloud state: restart with a state file', function () {
  this.timeout(60_000);
  let dir: string;
  let statePath: string;
  let cloud: RunningCloud | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cloud-state-test-'));
    statePath = join(dir, 'registry.json');
  });
  afterEach(async () => {
    await cloud?.close();
    cloud = undefined;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps devices, secrets, activation, the registration count, the replay cache and the CA across a restart', async () => {
    cloud = await startCloud({ products, statePath });
    const caBefore = cloud.caPem;
    assert.equal(cloud.ca, join(dir, 'ca.pem'), 'the CA lives in the state file\'s folder');
    const activatedPsk = (await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: 'keep-1' })).psk;
    const idlePsk = (await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: 'keep-2' })).psk;
    const replayBody = v1Body({ productId: PID, productSecret: SECRET, deviceName: 'keep-3', nonce: 31337, timestamp: 1700000000 });
    await post(cloud, '/register/dev', replayBody);
    const login = await connectKey(cloud, PID, 'keep-1', activatedPsk);
    assert.ok(login.ok);
    await endClient(login.client);
    await cloud.close();

    const mode = statSync(statePath).mode & 0o777;
    assert.equal(mode, 0o600, 'the state file is private');
    assert.doesNotThrow(() => JSON.parse(readFileSync(statePath, 'utf8')));
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'no temp file left behind');

    cloud = await startCloud({ products, statePath });
    assert.equal(cloud.caPem, caBefore, 'the same CA: devices that saved it still trust the cloud');
    // activation survived: registration refused
    const refused = V1_ERROR.exec((await post(cloud, '/register/dev', v1Body({ productId: PID, productSecret: SECRET, deviceName: 'keep-1' }))).text);
    assert.equal(Number(refused?.[1]), REFUSALS['already-activated'].v1);
    // secrets survived: both devices log in with what they were given before the restart
    for (const [name, psk] of [['keep-1', activatedPsk], ['keep-2', idlePsk]] as const) {
      const outcome = await connectKey(cloud, PID, name, psk);
      assert.ok(outcome.ok, name);
      await endClient(outcome.client);
    }
    // the replay cache survived
    const replay = V1_ERROR.exec((await post(cloud, '/register/dev', replayBody)).text);
    assert.equal(Number(replay?.[1]), REFUSALS.replayed.v1);
    // the auto-created count survived: 3 devices exist, the limit is 3
    const limit = V1_ERROR.exec((await post(cloud, '/register/dev', v1Body({ productId: PID, productSecret: SECRET, deviceName: 'keep-4' }))).text);
    assert.equal(Number(limit?.[1]), REFUSALS['limit-reached'].v1);
  });

  it('creates the state file\'s folder when it does not exist yet', async () => {
    cloud = await startCloud({ products, statePath: join(dir, 'new', 'deeper', 'state.json') });
    assert.equal(cloud.ca, join(dir, 'new', 'deeper', 'ca.pem'));
    assert.ok(statSync(join(dir, 'new', 'deeper', 'state.json')).isFile(), 'written at start: an unwritable path fails early');
  });

  it('refuses to start on a corrupt state file rather than wiping it', async () => {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"version":1,"devices":[{"productId":5}],"replay":[]}');
    await assert.rejects(startCloud({ products, statePath: corrupt }), /state file/);
    assert.equal(readFileSync(corrupt, 'utf8'), '{"version":1,"devices":[{"productId":5}],"replay":[]}');
    writeFileSync(corrupt, 'not json');
    await assert.rejects(startCloud({ products, statePath: corrupt }), /state file is not valid JSON/);
  });

  it('without a state file, nothing is kept: a new cloud has a new CA and no devices', async () => {
    cloud = await startCloud({ products });
    const psk = (await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: 'mem-1' })).psk;
    const caPath = cloud.ca;
    assert.ok(statSync(caPath).isFile());
    await cloud.close();
    assert.throws(() => statSync(caPath), 'the temporary CA folder is removed on close');
    cloud = await startCloud({ products });
    const outcome = await connectKey(cloud, PID, 'mem-1', psk);
    assert.equal(outcome.ok, false);
  });
});
