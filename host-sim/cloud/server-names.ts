/**
 * The names the server certificate carries. Always `localhost` and the addresses the cloud listens on; on
 * request (`--hostname NAME`, repeatable) more names; and with `--tencent-hostnames` Tencent's public device
 * endpoints for every region, so that an unmodified Tencent SDK — its host names left alone, its CA replaced
 * by the local cloud's, the names mapped to this machine (/etc/hosts, a DNS override, a network namespace) —
 * verifies the local cloud under Tencent's names.
 *
 * The Tencent names are copied here from PROTOCOL.md §2, §3, §6 rather than imported from src/ (the cloud is an
 * independent oracle, ARCHITECTURE.md rule 5); a test checks that they cover every region the core knows.
 */
import { isIP } from 'node:net';

/**
 * Registration gateways (API v1 and v2 hosts of every region) and the brokers' `<productId>.<suffix>` names
 * as wildcards. A wildcard covers exactly one label, so each broker suffix needs its own.
 */
export const TENCENT_DEVICE_HOSTNAMES: readonly string[] = Object.freeze([
  'gateway.tencentdevices.com', // china, API v1 (the C SDK's DYN_REG_SERVER_URL)
  'ap-guangzhou.gateway.tencentdevices.com', // china, API v2
  'us-east.gateway.tencentdevices.com',
  'europe.gateway.tencentdevices.com',
  'ap-bangkok.gateway.tencentdevices.com',
  '*.iotcloud.tencentdevices.com', // china broker: <pid>.iotcloud.tencentdevices.com
  '*.us-east.iotcloud.tencentdevices.com',
  '*.europe.iothub.tencentdevices.com',
  '*.ap-bangkok.iothub.tencentdevices.com',
]);

export class HostnameError extends Error {}
Object.defineProperty(HostnameError.prototype, 'name', { value: 'HostnameError' });

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Reads one `--hostname`: a DNS name (letters, digits, hyphens; an optional leading `*.` wildcard label) or
 * an IP address. Lower-cased; a trailing dot is dropped.
 */
export function parseHostname(text: string): string {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  if (isIP(bare) !== 0) return bare;
  const labels = name.split('.');
  const rest = labels[0] === '*' ? labels.slice(1) : labels;
  // A wildcard needs at least two labels under it (`*.com` would be refused by every TLS client anyway).
  const ok = name.length <= 253 && rest.length >= (labels[0] === '*' ? 2 : 1) && rest.every((label) => LABEL.test(label)) && !/^[0-9.]+$/.test(name);
  if (!ok) throw new HostnameError(`--hostname ${JSON.stringify(text.slice(0, 80))} is not a DNS name (letters, digits, hyphens; "*." only as the first label) or an IP address`);
  return name;
}

export interface ServerNames {
  /** subjectAltName dNSName entries, in order, without repeats. */
  dns: string[];
  /** subjectAltName iPAddress entries, in order, without repeats. */
  ips: string[];
}

/** Everything the server certificate names: localhost, the listen addresses, the asked-for names, Tencent's. */
export function serverCertificateNames(addresses: readonly string[], hostnames: readonly string[] = [], tencent = false): ServerNames {
  const dns = ['localhost'];
  const ips: string[] = [];
  for (const address of addresses) ips.push(address);
  for (const name of hostnames) (isIP(name) === 0 ? dns : ips).push(name);
  if (tencent) dns.push(...TENCENT_DEVICE_HOSTNAMES);
  return { dns: [...new Set(dns)], ips: [...new Set(ips)] };
}
