/**
 * Where the local cloud listens (`--host ADDR`). Loopback by default: the gateway hands out device secrets to
 * anyone holding a product secret, so a cloud started on a laptop must not serve the café's network unless
 * asked. A board on the LAN is the case to opt into, with the machine's LAN address or a wildcard.
 *
 * Every server of the cloud (gateway, broker, plain broker, and the console) listens on the same address, so
 * this module is the one place that knows what an address means for URLs, certificates and the ready line.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** The default listen address: IPv4 loopback (URLs still say `localhost`, which Node clients try both ways). */
export const DEFAULT_HOST = '127.0.0.1';

export class ListenHostError extends Error {}
Object.defineProperty(ListenHostError.prototype, 'name', { value: 'ListenHostError' });

/**
 * Reads `--host`: an IPv4 or IPv6 address (`0.0.0.0` / `::` = every interface), or `localhost` (= the
 * default). Host names are refused: a name can resolve to several addresses, and the certificate, the URLs
 * and the warning about what is exposed all need the one address actually bound.
 */
export function parseListenHost(text: string): string {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'localhost') return DEFAULT_HOST;
  const bare = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  if (isIP(bare) === 0) throw new ListenHostError('--host must be an IP address of this machine (127.0.0.1, ::1, a LAN address, 0.0.0.0 or ::)');
  return bare.toLowerCase();
}

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || /^(0{1,4}:){7}0{1,4}$/.test(host) || host === '::0';
}

export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The host part of the URLs the cloud prints: `localhost` when the cloud is reachable as localhost (loopback,
 * or every interface), otherwise the bound address (`[…]` for IPv6).
 */
export function urlHost(host: string): string {
  if (host === DEFAULT_HOST || isWildcard(host)) return 'localhost';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** The machine's non-internal addresses; IPv6 ones only when `withIpv6` (no link-local: they need a zone). */
export function interfaceAddresses(withIpv6: boolean): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []).filter((a) => !a.internal);
  return all
    .filter((a) => a.family === 'IPv4' || (withIpv6 && a.family === 'IPv6' && !a.address.toLowerCase().startsWith('fe80')))
    .map((a) => a.address.toLowerCase());
}

/** The IP addresses the server certificate must name so that a client dialling the bound address verifies it. */
export function certificateAddresses(host: string): string[] {
  const addresses = ['127.0.0.1', '::1'];
  if (isWildcard(host)) addresses.push(...interfaceAddresses(host.includes(':')));
  else addresses.push(host);
  return [...new Set(addresses)];
}

/** The ready line's note on reachability: what is exposed, and how to serve a board on the LAN. */
export function reachabilityNote(host: string): string {
  if (isLoopback(host)) {
    const lan = interfaceAddresses(false)[0];
    return `listening on ${host} (this machine only); to serve a board on the LAN restart with --host ${lan ?? '<this machine\'s LAN address>'} (or --host 0.0.0.0 for every interface): the certificate then names that address`;
  }
  if (isWildcard(host)) {
    const lan = interfaceAddresses(host.includes(':'));
    return `listening on every interface (${host}): anyone there who holds a product secret can register its devices; a board dials one of ${lan.length > 0 ? lan.join(', ') : 'this machine\'s addresses'} (named in the certificate)`;
  }
  return `listening on ${host} only: a board dials ${urlHost(host)} (named in the certificate); this machine itself uses the same address, not localhost`;
}
