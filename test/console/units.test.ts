/** The console's small parts on their own: the bounded event log, payload previews, the token and Host checks. */
import { strict as assert } from 'node:assert';
import type { IncomingMessage } from 'node:http';
import { EVENT_LOG_LIMIT, EventLog, MESSAGES_PER_DEVICE, PAYLOAD_PREVIEW_BYTES, payloadPreview } from '../../host-sim/cloud/console/events.js';
import { checkToken, hostHeaderAllowed, newConsoleToken, TOKEN_PATTERN } from '../../host-sim/cloud/console/access.js';

function publish(log: EventLog, deviceName: string, n: number): void {
  log.emit({ kind: 'publish', productId: 'P1', deviceName, topic: `P1/${deviceName}/data`, qos: 1, bytes: 1, payload: String(n), payloadEncoding: 'utf8', truncated: false });
}

describe('console units', () => {
  it('the event log keeps the last EVENT_LOG_LIMIT events, numbered from 1, and tells listeners', () => {
    const log = new EventLog(() => Date.UTC(2026, 0, 2, 3, 4, 5));
    const heard: number[] = [];
    const stop = log.subscribe((event) => heard.push(event.id));
    for (let i = 0; i < EVENT_LOG_LIMIT + 5; i++) log.emit({ kind: 'disconnected', clientId: `c${i}` });
    stop();
    log.emit({ kind: 'disconnected', clientId: 'after' });
    const all = log.since();
    assert.equal(all.length, EVENT_LOG_LIMIT);
    assert.deepEqual([all[0]!.id, all[all.length - 1]!.id, log.lastId], [7, EVENT_LOG_LIMIT + 6, EVENT_LOG_LIMIT + 6]);
    assert.equal(all[0]!.at, '2026-01-02T03:04:05.000Z');
    assert.equal(heard.length, EVENT_LOG_LIMIT + 5, 'an unsubscribed listener hears nothing more');
    assert.deepEqual(log.since(EVENT_LOG_LIMIT + 3, 2).map((e) => e.id), [EVENT_LOG_LIMIT + 5, EVENT_LOG_LIMIT + 6]);
    assert.deepEqual(log.since(10, 0), []);
  });

  it('a throwing listener does not stop the others', () => {
    const log = new EventLog();
    let heard = 0;
    log.subscribe(() => { throw new Error('closed stream'); });
    log.subscribe(() => { heard += 1; });
    log.emit({ kind: 'disconnected', clientId: 'x' });
    assert.equal(heard, 1);
  });

  it('keeps the last MESSAGES_PER_DEVICE messages per device and forgets a deleted device', () => {
    const log = new EventLog();
    for (let i = 0; i < MESSAGES_PER_DEVICE + 3; i++) publish(log, 'd1', i);
    publish(log, 'd2', 99);
    const kept = log.messages('P1', 'd1');
    assert.equal(kept.length, MESSAGES_PER_DEVICE);
    assert.deepEqual([kept[0]!.payload, kept[kept.length - 1]!.payload], ['3', String(MESSAGES_PER_DEVICE + 2)]);
    log.forgetDevice('P1', 'd1');
    assert.deepEqual(log.messages('P1', 'd1'), []);
    assert.equal(log.messages('P1', 'd2').length, 1);
  });

  it('previews a payload as UTF-8 text when it is, else as Base64, cut to PAYLOAD_PREVIEW_BYTES', () => {
    assert.deepEqual(payloadPreview(Buffer.from('{"t":21.5} 温度')), { payload: '{"t":21.5} 温度', payloadEncoding: 'utf8', truncated: false });
    assert.deepEqual(payloadPreview(Uint8Array.of(0xff, 0x00)), { payload: '/wA=', payloadEncoding: 'base64', truncated: false });
    const long = payloadPreview(Buffer.from('é'.repeat(PAYLOAD_PREVIEW_BYTES)));
    assert.equal(long.payloadEncoding, 'utf8', 'a cut inside a character is still text');
    assert.equal(long.truncated, true);
    assert.equal(Buffer.byteLength(long.payload), PAYLOAD_PREVIEW_BYTES);
  });

  it('the token: fresh ones match the pattern; a missing one is "missing", any other wrong one "wrong"', () => {
    const token = newConsoleToken();
    assert.match(token, TOKEN_PATTERN);
    assert.notEqual(newConsoleToken(), token);
    const request = (headers: Record<string, string>) => ({ headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) }) as unknown as IncomingMessage;
    assert.equal(checkToken(request({}), token), 'missing');
    assert.equal(checkToken(request({ Authorization: `Bearer ${token}` }), token), 'ok');
    assert.equal(checkToken(request({ Authorization: `bearer  ${token} ` }), token), 'ok');
    assert.equal(checkToken(request({ 'X-Console-Token': token }), token), 'ok');
    for (const wrong of [`Bearer ${token}x`, `Bearer ${token.slice(1)}`, 'Bearer', `Basic ${token}`, `Bearer ${token} extra`]) {
      assert.equal(checkToken(request({ Authorization: wrong }), token), 'wrong', wrong);
    }
    assert.equal(checkToken(request({ 'X-Console-Token': '' }), token), 'wrong');
  });

  it('on loopback only localhost and IP literals pass as Host; bound elsewhere, any Host does', () => {
    for (const host of ['localhost', 'LOCALHOST:80', 'localhost:8080', '127.0.0.1:1', '[::1]:5', '192.168.1.20:80']) assert.ok(hostHeaderAllowed(host, '127.0.0.1'), host);
    for (const host of [undefined, 'evil.example', 'evil.example:80', 'localhost.evil.example', '127.0.0.1.nip.io:80']) assert.ok(!hostHeaderAllowed(host, '127.0.0.1'), String(host));
    assert.ok(hostHeaderAllowed('my-laptop.local:80', '0.0.0.0'));
    assert.ok(!hostHeaderAllowed('evil.example', '::1'));
  });
});
