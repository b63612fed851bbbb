/**
 * How a registration answer ends, so that every kind of client finishes at once:
 *
 * - A client that asks for keep-alive (`Connection: keep-alive`: Node's and undici's agents, Java, OkHttp,
 *   Python requests) keeps its connection for the next request.
 * - Every other answer says `Connection: close` and the cloud closes the connection after it: a client that
 *   reads to the end of the stream (a raw socket, `curl` without reuse) finishes at once instead of waiting
 *   for the server's idle timeout. HTTP/1.1 lets a server close a connection the client did not ask to keep.
 * - Every answer is at least FIRST_READ_BYTES long (an `X-Padding` header tops it up). That is for Tencent's C
 *   SDK, which is also a client that never asks for keep-alive: its dynamic registration
 *   (sdk_src/services/dynreg/dynreg.c, utils_httpc.c, platform/tls/mbedtls/HAL_TLS_mbedtls.c in
 *   qcloud-iot-explorer-sdk-embedded-c) first asks its TLS layer for 1024 bytes and HAL_TLS_Read loops until it
 *   has them or DYN_REG_RES_HTTP_TIMEOUT_MS (2 s) passes; a close_notify or end of stream during that loop is
 *   an error (QCLOUD_ERR_SSL_READ), and the answer already read is thrown away. So against a short answer the
 *   C SDK either waits 2 s (connection kept open — what Tencent's gateway must do, since the C SDK works
 *   against it, and the 2 s seen in a real C SDK log) or fails (connection closed). With 1024 bytes or more
 *   its first read completes at once, it reads the rest by Content-Length, and never reads the close.
 *   The head stays well under 1024 bytes, because the C SDK looks for the end of the head in that first read.
 */
import type { IncomingMessage } from 'node:http';

/** The C SDK's first read of an HTTP answer (HTTP_CLIENT_CHUNK_SIZE - 1 in utils_httpc.c). */
export const FIRST_READ_BYTES = 1024;

/** True when the request asks to keep the connection open (`Connection: keep-alive`, and not also `close`). */
export function asksForKeepAlive(req: IncomingMessage): boolean {
  const tokens = String(req.headers.connection ?? '').toLowerCase().split(',').map((token) => token.trim());
  return tokens.includes('keep-alive') && !tokens.includes('close');
}

/** `HTTP/1.1 200 OK` plus `headers` as Node writes them, without the `Date` line Node adds (so: a lower bound). */
function headBytes(statusLine: string, headers: Record<string, string | number>): number {
  let size = Buffer.byteLength(`${statusLine}\r\n\r\n`);
  for (const [name, value] of Object.entries(headers)) size += Buffer.byteLength(`${name}: ${value}\r\n`);
  return size;
}

/**
 * The answer's headers: `headers` plus `Connection: close` unless the client keeps the connection
 * (`keepAlive`), plus the padding that brings head and body to at least FIRST_READ_BYTES.
 */
export function answerHeaders(headers: Record<string, string | number>, bodyBytes: number, keepAlive: boolean): Record<string, string | number> {
  const out = { ...headers };
  if (!keepAlive) out.Connection = 'close';
  const missing = FIRST_READ_BYTES - (headBytes('HTTP/1.1 200 OK', out) + bodyBytes);
  // "X-Padding: " + value + CRLF is 13 bytes besides the value.
  if (missing > 0) out['X-Padding'] = '0'.repeat(Math.max(1, missing - 13));
  return out;
}
