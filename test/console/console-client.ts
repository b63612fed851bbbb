/**
 * A small client for the console API in tests: node:http (not fetch) so that a test can send a raw body, a
 * wrong Content-Length or any Host header. Every answer is also recorded, so a test can search everything
 * the API said for a secret.
 */
import { request } from 'node:http';
import type { RunningCloud } from '../../host-sim/cloud/index.js';

export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface ApiRequest {
  body?: unknown;
  /** Sent as is (instead of JSON.stringify(body)). */
  raw?: string | Buffer;
  token?: string;
  headers?: Record<string, string>;
  /** Send the body in two writes with no Content-Length (chunked transfer encoding). */
  chunked?: boolean;
}

export class ConsoleClient {
  readonly base: URL;
  readonly token: string;
  /** Every answer's path and text, in order. */
  readonly seen: Array<{ path: string; text: string }> = [];

  constructor(cloud: Pick<RunningCloud, 'console' | 'consoleToken'>) {
    if (!cloud.console || !cloud.consoleToken) throw new Error('the cloud has no console');
    this.base = new URL(cloud.console);
    this.token = cloud.consoleToken;
  }

  /** Sends `options.token` as the bearer token when given (none by default). */
  call(method: string, path: string, options: ApiRequest = {}): Promise<ApiAnswer> {
    const token = options.token;
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(body === undefined || options.chunked ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }), ...options.headers };
    return new Promise((resolve, reject) => {
      const req = request({ host: this.base.hostname, port: Number(this.base.port), path, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          this.seen.push({ path, text });
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (options.chunked && body !== undefined) {
        const half = Math.floor(body.length / 2);
        req.write(body.slice(0, half));
        req.end(body.slice(half));
      } else req.end(body);
    });
  }

  /** With the right token. */
  authed(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return this.call(method, path, { token: this.token, ...(body === undefined ? {} : { body }) });
  }

  get(path: string): Promise<ApiAnswer> {
    return this.call('GET', path, {});
  }
}

export interface StreamReader {
  /** Resolves with the first event (parsed `data`) that `match` accepts, among those seen so far or later. */
  next(match: (event: any) => boolean): Promise<any>;
  /** Everything the stream sent, raw. */
  raw(): string;
  close(): void;
}

/** Opens `GET /api/events/stream` and parses its Server-Sent Events. */
export function openEventStream(base: URL, headers: Record<string, string> = {}, query = ''): Promise<StreamReader> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: Number(base.port), path: `/api/events/stream${query}`, headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`event stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      let text = '';
      let buffered = '';
      const events: any[] = [];
      const waiters: Array<{ match: (event: any) => boolean; resolve: (event: any) => void }> = [];
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        buffered += chunk.toString('utf8');
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          if (!data) continue;
          const event = JSON.parse(data);
          events.push(event);
          for (const waiter of [...waiters]) {
            if (waiter.match(event)) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(event);
            }
          }
        }
      });
      resolve({
        next: (match) => {
          const found = events.find(match);
          return found ? Promise.resolve(found) : new Promise((resolveEvent) => waiters.push({ match, resolve: resolveEvent }));
        },
        raw: () => text,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
