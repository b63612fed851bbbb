/**
 * Incremental HTTP/1.1 response parser for the registration answer: status line, headers, and a body framed
 * by `Content-Length`, by chunked transfer coding (extensions and trailers accepted and ignored), or — only
 * when the server closes the connection (`Connection: close` or HTTP/1.0) — by the end of the stream.
 * Interim 1xx responses (100 Continue, 103 Early Hints) are skipped.
 *
 * Hard limit: at most MAX_RESPONSE_BYTES (16 KiB) of response — head, chunk framing and body together — is
 * ever buffered; more is `bad-response`. A certificate answer is about 4 KiB, so this leaves room while
 * keeping a hostile or broken server from filling an ESP32's heap.
 *
 * Failure codes, chosen so that the runner's retry rule does the right thing:
 * - Anything that breaks the syntax (bad status line, bad header, bad chunk size, missing CRLF after a
 *   chunk, conflicting lengths, an unknown transfer coding, too many bytes): `bad-response` (not retried).
 * - The stream ends (`end()`) before the response is complete — a truncated response: `transport`
 *   (retried), because a cut connection is a network failure, not proof that the server is broken.
 * After a failure the parser stays failed and throws the same error again.
 */
import { IotError, isIotError } from '../errors.js';
import { concatBytes } from '../encoding/bytes.js';

export const MAX_RESPONSE_BYTES = 16 * 1024;

export interface HttpResponse {
  status: number;
  reason: string;
  /** Lower-case names; repeated fields joined with ", " in arrival order. */
  headers: Record<string, string>;
  body: Uint8Array;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'eof' | 'done';

const CR = 0x0d;
const LF = 0x0a;
/** A chunk-size or trailer line longer than this is not a line a sane server sends. */
const MAX_LINE = 1024;
// A RegExp is made where it is used, never kept in a module constant: a preloaded module's RegExp lives in XS's
// read-only heap, and there exec crashed Moddable's runtime after a garbage collection (SDK 8.2.3, test/moddable).
const statusLinePattern = (): RegExp => /^HTTP\/1\.([01]) ([0-9]{3})(?:[ \t](.*))?$/;
const headerLinePattern = (): RegExp => /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
const chunkSizePattern = (): RegExp => /^([0-9A-Fa-f]{1,8})[ \t]*(?:;.*)?$/;
const digitsPattern = (): RegExp => /^[0-9]{1,10}$/;
/** Control characters other than TAB have no place in a response head. */
const controlPattern = (): RegExp => /[\x00-\x08\x0a-\x1f\x7f]/;

function badResponse(message: string): IotError {
  return new IotError('bad-response', message);
}

/** Head bytes as text, one character per byte (Latin-1), so that no byte sequence can make decoding throw. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

function indexOfByte(bytes: Uint8Array, value: number, from: number): number {
  for (let i = from; i < bytes.length; i++) if (bytes[i] === value) return i;
  return -1;
}

/**
 * Index just past the blank line that ends a head ("\r\n\r\n", or bare "\n\n" from lax servers), or -1.
 * Starts at `from` so that a head arriving a few bytes at a time is not rescanned from the start each time.
 */
function endOfHead(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    if (bytes[i] !== LF) continue;
    if (bytes[i + 1] === LF) return i + 2;
    if (bytes[i + 1] === CR && bytes[i + 2] === LF) return i + 3;
  }
  return -1;
}

export class HttpResponseParser {
  #pending: Uint8Array = new Uint8Array(0);
  /** Bytes of the response consumed so far (heads of skipped 1xx responses included). */
  #consumed = 0;
  #state: State = 'head';
  #status = 0;
  #reason = '';
  #headers: Record<string, string> = {};
  #body: Uint8Array[] = [];
  #remaining = 0;
  /** How far the pending head has been searched for its end already. */
  #headScanned = 0;
  #result: HttpResponse | undefined;
  #failure: IotError | undefined;

  /**
   * Feeds the next bytes from the stream. Returns the response once it is complete (and again on any later
   * call; bytes after the response are ignored, since the connection is closed after one exchange), else
   * `undefined`. Throws `bad-response` as described above.
   */
  push(chunk: Uint8Array): HttpResponse | undefined {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#result !== undefined) return this.#result;
    if (!(chunk instanceof Uint8Array)) throw new IotError('bad-input', 'push expects a Uint8Array');
    try {
      this.#pending = this.#pending.length === 0 ? chunk.slice() : concatBytes(this.#pending, chunk);
      this.#advance();
      if (this.#result === undefined && this.#consumed + this.#pending.length > MAX_RESPONSE_BYTES) {
        throw badResponse(`response is larger than ${MAX_RESPONSE_BYTES} bytes`);
      }
      return this.#result;
    } catch (error) {
      this.#failure = isIotError(error) ? error : new IotError('bad-response', 'response could not be parsed', { cause: error });
      this.#pending = new Uint8Array(0);
      this.#body = [];
      throw this.#failure;
    }
  }

  /**
   * The stream ended. Returns the response if it is complete, or complete by definition (a body delimited
   * by the end of the stream); otherwise throws `transport` (truncated response).
   */
  end(): HttpResponse {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#result !== undefined) return this.#result;
    if (this.#state === 'eof') {
      try {
        this.#finish();
      } catch (error) {
        this.#failure = error as IotError;
        throw error;
      }
      return this.#result!;
    }
    const where = this.#state === 'head' ? (this.#consumed + this.#pending.length === 0 ? 'before any response' : 'inside the response head') : 'inside the response body';
    this.#failure = new IotError('transport', `connection closed ${where}`);
    throw this.#failure;
  }

  #take(count: number): Uint8Array {
    const part = this.#pending.subarray(0, count);
    this.#pending = this.#pending.subarray(count);
    this.#consumed += count;
    return part;
  }

  /** Takes one line (without its CR LF or bare LF), or returns undefined when no full line is buffered yet. */
  #line(): string | undefined {
    const lf = indexOfByte(this.#pending, LF, 0);
    if (lf < 0) {
      if (this.#pending.length > MAX_LINE) throw badResponse('line in chunked body is too long');
      return undefined;
    }
    if (lf > MAX_LINE) throw badResponse('line in chunked body is too long');
    const end = lf > 0 && this.#pending[lf - 1] === CR ? lf - 1 : lf;
    const text = latin1(this.#pending, 0, end);
    this.#take(lf + 1);
    return text;
  }

  #advance(): void {
    for (;;) {
      switch (this.#state) {
        case 'head': {
          const end = endOfHead(this.#pending, this.#headScanned);
          if (end < 0) {
            // The terminator may straddle chunks: rescan its longest possible prefix ("\n\r") next time.
            this.#headScanned = Math.max(0, this.#pending.length - 2);
            return;
          }
          this.#headScanned = 0;
          const head = latin1(this.#pending, 0, end);
          this.#take(end);
          this.#parseHead(head);
          break;
        }
        case 'length': {
          const n = Math.min(this.#remaining, this.#pending.length);
          if (n > 0) this.#body.push(this.#take(n));
          this.#remaining -= n;
          if (this.#remaining > 0) return;
          this.#finish();
          return;
        }
        case 'chunk-size': {
          const line = this.#line();
          if (line === undefined) return;
          const match = chunkSizePattern().exec(line);
          if (match === null) throw badResponse('bad chunk size line');
          const size = parseInt(match[1]!, 16);
          if (size > MAX_RESPONSE_BYTES) throw badResponse(`chunk is larger than ${MAX_RESPONSE_BYTES} bytes`);
          if (size === 0) {
            this.#state = 'trailers';
          } else {
            this.#remaining = size;
            this.#state = 'chunk-data';
          }
          break;
        }
        case 'chunk-data': {
          const n = Math.min(this.#remaining, this.#pending.length);
          if (n > 0) this.#body.push(this.#take(n));
          this.#remaining -= n;
          if (this.#remaining > 0) return;
          this.#state = 'chunk-end';
          break;
        }
        case 'chunk-end': {
          // The CRLF that closes a chunk's data: a bare LF is tolerated, anything else is a framing error.
          if (this.#pending.length === 0) return;
          if (this.#pending[0] === LF) {
            this.#take(1);
          } else if (this.#pending[0] === CR) {
            if (this.#pending.length < 2) return;
            if (this.#pending[1] !== LF) throw badResponse('chunk data is not followed by CRLF');
            this.#take(2);
          } else {
            throw badResponse('chunk data is not followed by CRLF');
          }
          this.#state = 'chunk-size';
          break;
        }
        case 'trailers': {
          const line = this.#line();
          if (line === undefined) return;
          if (line === '') {
            this.#finish();
            return;
          }
          if (!headerLinePattern().test(line) || controlPattern().test(line)) throw badResponse('bad trailer field');
          break;
        }
        case 'eof': {
          if (this.#pending.length > 0) this.#body.push(this.#take(this.#pending.length));
          return;
        }
        case 'done':
          return;
      }
    }
  }

  #parseHead(text: string): void {
    const lines = text.split(/\r?\n/);
    // The head ends with one blank line, which split() turns into two empty strings at the end.
    lines.length -= 2;
    const statusMatch = statusLinePattern().exec(lines[0] ?? '');
    if (statusMatch === null) throw badResponse('bad status line');
    const status = Number(statusMatch[2]);
    const reason = (statusMatch[3] ?? '').trim();
    if (controlPattern().test(reason)) throw badResponse('bad status line');
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.length > 0 && (line[0] === ' ' || line[0] === '\t')) throw badResponse('folded header lines are not allowed');
      const match = headerLinePattern().exec(line);
      if (match === null || controlPattern().test(line)) throw badResponse('bad header line');
      const name = match[1]!.toLowerCase();
      const value = match[2]!;
      // Own property check: a header named "__proto__" or "constructor" must not read the prototype.
      const joined = Object.prototype.hasOwnProperty.call(headers, name) ? `${headers[name]}, ${value}` : value;
      Object.defineProperty(headers, name, { value: joined, enumerable: true, writable: true, configurable: true });
    }
    if (status < 100 || status > 599) throw badResponse('status code out of range');
    if (status >= 100 && status < 200) {
      if (status === 101) throw badResponse('unexpected protocol switch');
      return; // interim response: stay in 'head' and read the real one
    }
    this.#status = status;
    this.#reason = reason;
    this.#headers = headers;
    this.#chooseFraming(statusMatch[1] === '0');
  }

  #chooseFraming(http10: boolean): void {
    const headers = this.#headers;
    const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(headers, name);
    if (this.#status === 204 || this.#status === 304) {
      this.#state = 'done';
      this.#finish();
      return;
    }
    if (has('transfer-encoding')) {
      const codings = headers['transfer-encoding']!.toLowerCase().split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (codings.length !== 1 || codings[0] !== 'chunked') throw badResponse('unsupported transfer coding');
      // RFC 9112 §6.3: chunked wins over any Content-Length.
      this.#state = 'chunk-size';
      return;
    }
    if (has('content-length')) {
      const values = headers['content-length']!.split(',').map((s) => s.trim());
      const first = values[0]!;
      for (let i = 0; i < values.length; i++) {
        if (!digitsPattern().test(values[i]!) || values[i] !== first) throw badResponse('bad Content-Length');
      }
      const length = Number(first);
      if (length > MAX_RESPONSE_BYTES) throw badResponse(`response is larger than ${MAX_RESPONSE_BYTES} bytes`);
      this.#remaining = length;
      this.#state = 'length';
      return;
    }
    const connection = has('connection') ? headers['connection']!.toLowerCase().split(',').map((s) => s.trim()) : [];
    if (http10 || connection.includes('close')) {
      this.#state = 'eof';
      return;
    }
    throw badResponse('response has no Content-Length, is not chunked, and does not close the connection');
  }

  #finish(): void {
    if (this.#consumed > MAX_RESPONSE_BYTES) throw badResponse(`response is larger than ${MAX_RESPONSE_BYTES} bytes`);
    this.#state = 'done';
    // Joined by hand rather than concatBytes(...parts): a body that came one byte per read would otherwise
    // be thousands of call arguments, too many for a small XS stack.
    let length = 0;
    for (let i = 0; i < this.#body.length; i++) length += this.#body[i]!.length;
    const body = new Uint8Array(length);
    let offset = 0;
    for (let i = 0; i < this.#body.length; i++) {
      body.set(this.#body[i]!, offset);
      offset += this.#body[i]!.length;
    }
    this.#result = Object.freeze({ status: this.#status, reason: this.#reason, headers: this.#headers, body });
    this.#body = [];
    this.#pending = new Uint8Array(0);
  }
}

// Like Moddable's own modules: a frozen prototype cannot be patched behind the parser's back, and XS keeps it
// in flash when the module is preloaded.
Object.freeze(HttpResponseParser.prototype);
