/**
 * A fake HAL for the runner's tests: a scripted "gateway" per connection, a fixed clock, deterministic random
 * bytes, instant sleep, and records of everything the runner did.
 */
import type { ByteStream, ConnectOptions, Hal, LogLevel, StoredCredential } from '../../../hal/hal.js';
import { IotError } from '../../../src/errors.js';
import { jsCrypto } from '../../../src/crypto/js-primitives.js';

/** What one connection does: fail to connect, or answer the request (bytes in → chunks out, or a read error). */
export type Exchange =
  | { connectError: IotError }
  | { answer: (request: string) => (Uint8Array | string)[]; readError?: IotError; writeError?: IotError };

export interface FakeHal extends Hal {
  connects: ConnectOptions[];
  requests: string[];
  closed: number;
  opened: number;
  saved: StoredCredential[];
  sleeps: number[];
  logs: string[];
  events: string[];
}

export function fakeHal(script: Exchange[], options: { now?: number; randomByte?: number; saveError?: unknown; saveDelay?: Promise<void> } = {}): FakeHal {
  let next = 0;
  const hal: FakeHal = {
    connects: [], requests: [], closed: 0, opened: 0, saved: [], sleeps: [], logs: [], events: [],
    crypto: jsCrypto,
    storage: {
      load: async () => hal.saved.at(-1),
      save: async (value: StoredCredential) => {
        hal.events.push('save-start');
        if (options.saveDelay) await options.saveDelay;
        if (options.saveError !== undefined) throw options.saveError;
        hal.saved.push(value);
        hal.events.push('save-done');
      },
    },
    async connect(connectOptions: ConnectOptions): Promise<ByteStream> {
      hal.connects.push(connectOptions);
      hal.events.push('connect');
      const step = script[next++];
      if (step === undefined) throw new Error(`fake HAL: no script step for connection ${next}`);
      if ('connectError' in step) throw step.connectError;
      hal.opened++;
      let request = '';
      let chunks: Uint8Array[] | undefined;
      let isClosed = false;
      return {
        async write(data: Uint8Array) {
          if (step.writeError) throw step.writeError;
          request += Buffer.from(data).toString('utf8');
        },
        async read() {
          if (isClosed) return undefined;
          if (chunks === undefined) {
            hal.requests.push(request);
            chunks = step.answer(request).map((c) => (typeof c === 'string' ? new Uint8Array(Buffer.from(c, 'latin1')) : c));
          }
          const chunk = chunks.shift();
          if (chunk === undefined && step.readError) throw step.readError;
          return chunk;
        },
        close() {
          if (!isClosed) hal.closed++;
          isClosed = true;
          hal.events.push('close');
        },
      };
    },
    now: () => options.now ?? 1767225600,
    random: (length: number) => new Uint8Array(length).fill(options.randomByte ?? 0x5a),
    async sleep(ms: number) {
      hal.sleeps.push(ms);
    },
    log(level: LogLevel, message: string) {
      hal.logs.push(`${level}: ${message}`);
    },
  };
  return hal;
}

/** A whole HTTP response with Content-Length. */
export function httpResponse(status: number, body: string, reason = 'X'): string {
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Splits a string into pieces of `size` characters (the fake network delivers arbitrary chunk sizes). */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
