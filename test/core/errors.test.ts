import { strict as assert } from 'node:assert';
import { IotError, isIotError } from '../../src/errors.js';

describe('IotError', () => {
  it('carries a code, the server words verbatim, and a retryable verdict', () => {
    const e = new IotError('refused', 'registration refused', { serverCode: 1010, serverMessage: 'Check signature failed', requestId: 'r-1' });
    assert.equal(e.code, 'refused');
    assert.equal(e.name, 'IotError');
    assert.equal(e.serverCode, 1010);
    assert.equal(e.serverMessage, 'Check signature failed');
    assert.equal(e.retryable, false);
    assert.deepEqual(e.toJSON(), { code: 'refused', message: 'registration refused', serverCode: 1010, serverMessage: 'Check signature failed', requestId: 'r-1' });
    assert.ok(e instanceof Error);
    assert.ok(isIotError(e));
  });

  it('marks only network, time-out and 5xx failures retryable', () => {
    for (const code of ['transport', 'timeout', 'unavailable'] as const) assert.equal(new IotError(code, 'x').retryable, true, code);
    for (const code of ['bad-input', 'bad-response', 'refused', 'tls', 'storage', 'clock', 'unsupported'] as const) {
      assert.equal(new IotError(code, 'x').retryable, false, code);
    }
    assert.equal(isIotError(new Error('x')), false);
  });
});
