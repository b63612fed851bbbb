/**
 * The one error class of the SDK. Every failure the core, the HALs, the CLI or the local cloud's client side
 * can meet is an `IotError` with a `code` from this union, so callers switch on `code`, never on text.
 *
 * Rules (enforced by review and by the no-secret tests):
 * - `message` never contains a secret (product secret, device secret, private key, signature, password).
 *   Name the field that is wrong, not its value.
 * - A server's own code and message are kept verbatim in `serverCode` / `serverMessage` (they are not
 *   secrets; they are what the user needs to search Tencent's docs for).
 */
export type IotErrorCode =
  /** A caller's argument, a file, or a setting is malformed or missing. Not retryable. */
  | 'bad-input'
  /** The server (or a peer) answered something we cannot parse or that breaks the protocol. */
  | 'bad-response'
  /** The server understood and said no (bad signature, not allowed, already activated, …). Not retried. */
  | 'refused'
  /** Network-level failure: connect, reset, unexpected end of stream, DNS. Retryable. */
  | 'transport'
  /** TLS handshake or certificate verification failed. Not retried: retrying will not fix trust. */
  | 'tls'
  /** No answer within the allowed time. Retryable. */
  | 'timeout'
  /** Reading or writing the stored credential failed (or what is stored is corrupt). */
  | 'storage'
  /** The device clock is not set (before 2020), so TLS dates and signatures cannot be trusted. */
  | 'clock'
  /** The server answered 5xx or asked us to come back later. Retryable. */
  | 'unavailable'
  /** Something the SDK does not support (an algorithm, an auth mode on a platform). */
  | 'unsupported';

export interface IotErrorDetails {
  /** The server's own error code, verbatim (v1: a number such as 1010; v2: a string). */
  serverCode?: string | number;
  /** The server's own error message, verbatim. */
  serverMessage?: string;
  /** The server's request id, when it sent one: Tencent support asks for it. */
  requestId?: string;
  /** HTTP status, when the failure came with one. */
  httpStatus?: number;
  /** The underlying error, for debugging; never shown to users as-is. */
  cause?: unknown;
}

/** Codes a runner may retry with backoff; everything else is final. */
const RETRYABLE: readonly IotErrorCode[] = Object.freeze(['transport', 'timeout', 'unavailable']);

export class IotError extends Error {
  readonly code: IotErrorCode;
  readonly serverCode: string | number | undefined;
  readonly serverMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(code: IotErrorCode, message: string, details: IotErrorDetails = {}) {
    // `cause` goes through the standard option so that Node prints it, but it is not part of `message`.
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.serverCode = details.serverCode;
    this.serverMessage = details.serverMessage;
    this.requestId = details.requestId;
    this.httpStatus = details.httpStatus;
  }

  /** True for failures worth another attempt after a backoff (network, time-outs, 5xx). */
  get retryable(): boolean {
    return RETRYABLE.includes(this.code);
  }

  /** A plain object for `--json` output and logs: code, message and the server's words, nothing else. */
  toJSON(): Record<string, string | number> {
    const out: Record<string, string | number> = { code: this.code, message: this.message };
    if (this.serverCode !== undefined) out.serverCode = this.serverCode;
    if (this.serverMessage !== undefined) out.serverMessage = this.serverMessage;
    if (this.requestId !== undefined) out.requestId = this.requestId;
    if (this.httpStatus !== undefined) out.httpStatus = this.httpStatus;
    return out;
  }
}

// XS preloads modules into flash and freezes them: an Error subclass must not assign `this.name` in its
// constructor (the inherited `name` is frozen), so `name` lives on the prototype instead.
Object.defineProperty(IotError.prototype, 'name', { value: 'IotError', writable: false, enumerable: false });
// Frozen like Moddable's modules freeze theirs: nothing can redefine `retryable` or `toJSON` (which keeps
// secrets out of `--json` output) for every error at once.
Object.freeze(IotError.prototype);

/** True when `value` is an IotError (works across bundles, where `instanceof` may not). */
export function isIotError(value: unknown): value is IotError {
  return value instanceof IotError || (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'IotError' && typeof (value as { code?: unknown }).code === 'string');
}
