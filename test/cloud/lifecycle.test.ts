/**
 * The device lifecycle (PROTOCOL.md §5): re-registration before the first MQTT login issues a new secret
 * and kills the old one; the first successful login activates; afterwards registration is refused in both
 * APIs; a refused login activates nothing.
 */
import { strict as assert } from 'node:assert';
import { startCloud, REFUSALS, type RunningCloud } from '../../host-sim/cloud/index.js';
import { connectKey, endClient, post, registerV1, registerV2, v1Body, v2Request, V1_ERROR, V2_ERROR, V2_SUCCESS } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const product = { productId: PID, productSecret: SECRET };

describe('cloud lifecycle: re-registration and activation', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  before(async () => {
    cloud = await startCloud({ products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] } });
  });
  after(async () => cloud?.close());

  it('re-registering before activation issues a new secret; the old one stops working', async () => {
    const first = (await registerV1(cloud, { ...product, deviceName: 'life-1' })).psk;
    const second = (await registerV2(cloud, { ...product, deviceName: 'life-1' })).psk;
    assert.notEqual(first, second);
    const stale = await connectKey(cloud, PID, 'life-1', first);
    assert.equal(stale.ok, false);
    assert.equal((stale as { returnCode?: number }).returnCode, 4);
    const fresh = await connectKey(cloud, PID, 'life-1', second);
    assert.ok(fresh.ok);
    await endClient(fresh.client);
  });

  it('after the first login, registration is refused in both APIs and the secret keeps working', async () => {
    const psk = (await registerV1(cloud, { ...product, deviceName: 'life-2' })).psk;
    const login = await connectKey(cloud, PID, 'life-2', psk);
    assert.ok(login.ok);
    await endClient(login.client);
    const v1 = V1_ERROR.exec((await post(cloud, '/register/dev', v1Body({ ...product, deviceName: 'life-2' }))).text);
    assert.equal(Number(v1?.[1]), REFUSALS['already-activated'].v1);
    const { body, headers } = v2Request({ ...product, deviceName: 'life-2' });
    const v2 = V2_ERROR.exec((await post(cloud, '/device/register', body, headers)).text);
    assert.equal(v2?.[1], REFUSALS['already-activated'].v2);
    const again = await connectKey(cloud, PID, 'life-2', psk, 'hmacsha1');
    assert.ok(again.ok, 'the activated secret still logs in');
    await endClient(again.client);
  });

  it('a refused login activates nothing: registration is still allowed afterwards', async () => {
    const psk = (await registerV1(cloud, { ...product, deviceName: 'life-3' })).psk;
    const wrong = await connectKey(cloud, PID, 'life-3', Buffer.alloc(16, 9).toString('base64'));
    assert.equal(wrong.ok, false);
    const renewed = (await registerV1(cloud, { ...product, deviceName: 'life-3' })).psk;
    assert.notEqual(renewed, psk);
  });

  it('v2 State is 0 for a device this request created and 1 for one that existed', async () => {
    const first = v2Request({ ...product, deviceName: 'life-4' });
    assert.equal(V2_SUCCESS.exec((await post(cloud, '/device/register', first.body, first.headers)).text)?.[4], '0');
    const second = v2Request({ ...product, deviceName: 'life-4' });
    assert.equal(V2_SUCCESS.exec((await post(cloud, '/device/register', second.body, second.headers)).text)?.[4], '1');
  });
});
