/**
 * Reading a bounded JSON body and writing JSON answers for the console API. Every failure is an
 * `ApiError` with an HTTP status and a short code, answered as `{"error":{"code","message"}}`; messages
 * name fields and limits, never a value a user sent (it might be a secret).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The largest request body the API reads (a product, or up to a few hundred device names). */
export const MAX_API_BODY_BYTES = 65_536;

export type ApiErrorCode = 'bad-json' | 'bad-request' | 'too-large' | 'unauthorized' | 'forbidden' | 'not-found' | 'method-not-allowed' | 'conflict' | 'unavailable' | 'internal';

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  constructor(status: number, code: ApiErrorCode, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
Object.defineProperty(ApiError.prototype, 'name', { value: 'ApiError' });

/** Headers every console answer carries: nothing cached, nothing sniffed, never framed by another page. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
});

export function sendJson(res: ServerResponse, status: number, value: unknown, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = status === 204 ? '' : JSON.stringify(value);
  res.writeHead(status, { ...COMMON_HEADERS, ...(status === 204 ? {} : { 'Content-Type': 'application/json; charset=utf-8' }), 'Content-Length': Buffer.byteLength(body), ...extraHeaders });
  res.end(body);
}

export function sendError(res: ServerResponse, error: ApiError, extraHeaders: Record<string, string> = {}): void {
  sendJson(res, error.status, { error: { code: error.code, message: error.message } }, extraHeaders);
}

/** Reads the body (at most MAX_API_BODY_BYTES) and parses it as a JSON object; an empty body is `{}`. */
export function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): ApiError => new ApiError(413, 'too-large', `request body larger than ${MAX_API_BODY_BYTES} bytes`);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_API_BODY_BYTES) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_API_BODY_BYTES) {
        done = true;
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks);
      if (text.length === 0) {
        resolve({});
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
      } catch {
        reject(new ApiError(400, 'bad-json', 'request body is not valid JSON'));
        return;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        reject(new ApiError(400, 'bad-json', 'request body must be a JSON object'));
        return;
      }
      resolve(value as Record<string, unknown>);
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}

/** Refuses fields the route does not know, so a typo cannot silently do nothing. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new ApiError(400, 'bad-request', `unknown field ${JSON.stringify(key.slice(0, 40))} (allowed: ${allowed.join(', ')})`);
  }
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ApiError(400, 'bad-request', `${field} must be true or false`);
  return value;
}
