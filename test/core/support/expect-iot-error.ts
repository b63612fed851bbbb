import { strict as assert } from 'node:assert';
import { isIotError, type IotError, type IotErrorCode } from '../../../src/errors.js';

/** Runs `fn` and asserts it throws an IotError with `code` (never a TypeError or anything else). */
export function expectIotError(fn: () => unknown, code: IotErrorCode, messagePart?: RegExp): IotError {
  try {
    fn();
  } catch (error) {
    assert.ok(isIotError(error), `expected IotError(${code}), got ${String(error)}`);
    assert.equal(error.code, code, `expected code ${code}, got ${error.code}: ${error.message}`);
    if (messagePart !== undefined) assert.match(error.message, messagePart);
    return error;
  }
  assert.fail(`expected IotError(${code}), but nothing was thrown`);
}

/** The async twin of expectIotError. */
export async function expectIotErrorAsync(promise: Promise<unknown>, code: IotErrorCode): Promise<IotError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isIotError(error), `expected IotError(${code}), got ${String(error)}`);
    assert.equal(error.code, code, `expected code ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected IotError(${code}), but the promise resolved`);
}
