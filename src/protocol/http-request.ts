/**
 * HTTP/1.1 request serialisation for the registration call. The HAL moves only TLS bytes, so the framing
 * lives here, once, for both platforms.
 */
import { IotError } from '../errors.js';
import { asciiBytes, concatBytes } from '../encoding/bytes.js';
import { utf8Encode } from '../encoding/utf8.js';

export interface HttpRequest {
  method: 'POST';
  /** Host name without port; it is what v2 signs, and what `Host` carries (plus `:port` when not 443). */
  host: string;
  path: string;
  /** Header fields in wire order, as the request builder returns them. */
  headers: Record<string, string>;
  body: string;
}

/** RFC 9110 token characters: what a header name may consist of. */
// A RegExp is made where it is used, never kept in a module constant: a preloaded module's RegExp lives in XS's
// read-only heap, and there exec crashed Moddable's runtime after a garbage collection (SDK 8.2.3, test/moddable).
const tokenPattern = (): RegExp => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII and blanks: no CR, LF or other control characters that could split the head. */
const fieldValuePattern = (): RegExp => /^[\x20-\x7e\t]*$/;
const hostPattern = (): RegExp => /^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/;
const pathPattern = (): RegExp => /^\/[\x21-\x7e]*$/;

/** Names the serialiser adds itself; a builder that sets them would produce duplicates. */
const RESERVED = Object.freeze(['host', 'content-length', 'connection', 'transfer-encoding']);

/**
 * The request's bytes: request line, `Host` (with `:port` when `port` is not 443), the builder's headers
 * in order, `Content-Length` (UTF-8 bytes of the body), `Connection: close`, a blank line and the body.
 * Anything that would let a value break out of its line is `bad-input`.
 */
export function serializeHttpRequest(request: HttpRequest, port = 443): Uint8Array {
  if (request.method !== 'POST') throw new IotError('bad-input', 'only POST requests are supported');
  if (!hostPattern().test(request.host)) throw new IotError('bad-input', 'request host is not a valid host name');
  if (!pathPattern().test(request.path)) throw new IotError('bad-input', 'request path is not a valid origin-form path');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new IotError('bad-input', 'port must be an integer in 1..65535');
  const body = utf8Encode(request.body);
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
  head += `Host: ${port === 443 ? request.host : `${request.host}:${port}`}\r\n`;
  const names = Object.keys(request.headers);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = request.headers[name]!;
    if (!tokenPattern().test(name)) throw new IotError('bad-input', 'a header name is not a valid token');
    if (RESERVED.includes(name.toLowerCase())) throw new IotError('bad-input', `header ${name} is set by the serialiser`);
    if (typeof value !== 'string' || !fieldValuePattern().test(value)) throw new IotError('bad-input', `header ${name} has a value with control or non-ASCII characters`);
    head += `${name}: ${value}\r\n`;
  }
  head += `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  return concatBytes(asciiBytes(head), body);
}
