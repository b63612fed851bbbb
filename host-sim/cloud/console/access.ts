/**
 * Who may do what on the console's port. Reading (the page, the lists, the event log) is open to whoever
 * can reach the port, which is loopback unless the user says otherwise. Every request that changes state,
 * and the one that reveals a product secret, must carry the console token: `Authorization: Bearer <token>`
 * (or `X-Console-Token: <token>`). A header cannot be set by another site's form or image, so the token
 * also stops cross-site requests; the page reads it from its address's fragment, which browsers never send.
 *
 * On loopback the Host header must be `localhost` or an IP literal: a DNS-rebinding page (evil.example
 * resolving to 127.0.0.1) then cannot even read.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** A token given by the user: long enough to resist guessing, and safe in a URL fragment and a header. */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,128}$/;

export function newConsoleToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The token the request carries, if any. */
function presentedToken(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1] : '';
  }
  const header = req.headers['x-console-token'];
  return typeof header === 'string' ? header : undefined;
}

/** 'ok', or why not: no token at all (401) or a wrong one (403). Constant-time on the token. */
export function checkToken(req: IncomingMessage, token: string): 'ok' | 'missing' | 'wrong' {
  const presented = presentedToken(req);
  if (presented === undefined) return 'missing';
  // Compare digests, so the comparison takes the same time whatever the lengths.
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token)) ? 'ok' : 'wrong';
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Whether the Host header is acceptable for a server bound to `boundHost`. */
export function hostHeaderAllowed(hostHeader: string | undefined, boundHost: string): boolean {
  if (!isLoopbackHost(boundHost)) return true;
  if (hostHeader === undefined) return false;
  const name = hostHeader.startsWith('[') ? hostHeader.slice(1, hostHeader.indexOf(']')) : hostHeader.replace(/:\d*$/, '');
  return name.toLowerCase() === 'localhost' || isIP(name) !== 0;
}
