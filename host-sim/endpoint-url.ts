/**
 * `--gateway` and `--broker` take an origin: scheme, host and optional port, nothing else
 * (https://host:port, mqtts://host:port, mqtt://host:port for plain MQTT).
 */
import { UsageError } from './usage-error.js';
import { GATEWAY_HTTPS_PORT, MQTT_TLS_PORT } from '../src/conventions/endpoints.js';

export interface GatewayEndpoint {
  host: string;
  port: number;
}

export interface BrokerEndpoint {
  host: string;
  port: number;
  /** false only for mqtt:// (plain TCP, key products on the local cloud's plain port). */
  tls: boolean;
}

function parseOrigin(text: string, flag: string, schemes: Readonly<Record<string, number>>): { scheme: string; host: string; port: number } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} must be an origin such as ${Object.keys(schemes).map((s) => `${s}//host:port`).join(' or ')} (got "${text}")`);
  }
  const defaultPort = schemes[url.protocol];
  if (defaultPort === undefined) throw new UsageError(`${flag} must start with ${Object.keys(schemes).map((s) => `${s}//`).join(' or ')} (got "${url.protocol}//")`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new UsageError(`${flag} takes an origin only (scheme://host:port), without path, query or credentials`);
  }
  // URL keeps IPv6 literals in brackets; sockets want them bare.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') throw new UsageError(`${flag} has no host`);
  return { scheme: url.protocol, host, port: url.port === '' ? defaultPort : Number(url.port) };
}

export function parseGatewayUrl(text: string): GatewayEndpoint {
  const { host, port } = parseOrigin(text, '--gateway', { 'https:': GATEWAY_HTTPS_PORT });
  return { host, port };
}

export function parseBrokerUrl(text: string): BrokerEndpoint {
  const { scheme, host, port } = parseOrigin(text, '--broker', { 'mqtts:': MQTT_TLS_PORT, 'mqtt:': 1883 });
  return { host, port, tls: scheme === 'mqtts:' };
}
