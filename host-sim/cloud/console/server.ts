/**
 * The console's HTTP server: the page (static/), the REST API (api.ts) and the live event stream, on one
 * port of its own, bound to loopback unless a host is given. Plain HTTP: it is meant for the machine it
 * runs on (a host other than loopback is the user's explicit choice, see README).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Registry } from '../registry.js';
import { checkToken, hostHeaderAllowed, newConsoleToken, TOKEN_PATTERN } from './access.js';
import { matchRoute, runRoute, type ConsoleBroker } from './api.js';
import { EventStreams } from './event-stream.js';
import type { EventLog } from './events.js';
import { ApiError, COMMON_HEADERS, sendError } from './http-io.js';
import { OPENAPI_FILE, STATIC_FILES, staticFile, staticFolder } from './static-files.js';

export interface ConsoleOptions {
  /** Address to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port; 0 (default) = any free port. */
  port?: number;
  /** The token for changes; default: a fresh random one. 16–128 characters [A-Za-z0-9._~-]. */
  token?: string;
}

export interface ConsoleDeps {
  registry: Registry;
  broker: ConsoleBroker;
  events: EventLog;
  log: (line: string) => void;
}

export interface RunningConsole {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  token: string;
  close(): Promise<void>;
}

/** The page may load only its own files and talk only to its own origin. */
const PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return host === '::' ? '[::1]' : '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function remoteOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? '?';
}

export async function startConsole(options: ConsoleOptions, deps: ConsoleDeps): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newConsoleToken();
  if (!TOKEN_PATTERN.test(token)) throw new RangeError('the console token must be 16 to 128 characters [A-Za-z0-9._~-]');
  staticFolder(); // fail at start, not at the first page load, if the files did not ship
  const streams = new EventStreams(deps.events);
  const apiDeps = { ...deps, streams, openApiJson: async () => (await staticFile(OPENAPI_FILE)).toString('utf8') };

  const refuse = (req: IncomingMessage, res: ServerResponse, pathname: string, error: ApiError): void => {
    deps.log(`console: ${req.method ?? '?'} ${pathname.slice(0, 80)} from ${remoteOf(req)} refused (${error.status}: ${error.message})`);
    deps.events.emit({ kind: 'console-refused', status: error.status, message: error.message, method: (req.method ?? '?').slice(0, 10), path: pathname.slice(0, 80), remote: remoteOf(req) });
    sendError(res, error, error.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="tc-iot-device console"' } : {});
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const pathname = url.pathname;
    if (!hostHeaderAllowed(req.headers.host, host)) return refuse(req, res, pathname, new ApiError(403, 'forbidden', 'the Host header must be localhost or an IP address'));
    const page = STATIC_FILES[pathname];
    if (page) {
      if (req.method !== 'GET') throw new ApiError(405, 'method-not-allowed', 'only GET is allowed here');
      const bytes = await staticFile(page.file);
      res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': page.type, 'Content-Length': bytes.length, 'Content-Security-Policy': PAGE_POLICY });
      res.end(bytes);
      return;
    }
    const match = matchRoute(req.method ?? '', pathname);
    if (!match) throw new ApiError(404, 'not-found', `no such path: ${req.method ?? '?'} ${pathname.slice(0, 80)}`);
    if ('allow' in match) {
      sendError(res, new ApiError(405, 'method-not-allowed', `${pathname.slice(0, 80)} allows ${match.allow.join(', ')}`), { Allow: match.allow.join(', ') });
      return;
    }
    if (match.route.auth) {
      const check = checkToken(req, token);
      if (check === 'missing') return refuse(req, res, pathname, new ApiError(401, 'unauthorized', 'this request needs the console token (Authorization: Bearer <token>)'));
      if (check === 'wrong') return refuse(req, res, pathname, new ApiError(403, 'forbidden', 'the console token is wrong'));
    }
    await runRoute(match.route, { deps: apiDeps, req, res, params: match.params, query: url.searchParams });
  };

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 15_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'internal', 'internal error');
      if (!(error instanceof ApiError)) deps.log(`console: internal error: ${(error as Error)?.message ?? String(error)}`);
      // A body that was not read to its end leaves the connection unusable for another request.
      sendError(res, apiError, apiError.code === 'too-large' ? { Connection: 'close' } : {});
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port ?? 0);
    });
  });
  return {
    url: `http://${urlHost(host)}:${port}/`,
    token,
    close: () =>
      new Promise((resolve) => {
        streams.closeAll();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
