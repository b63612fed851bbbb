/**
 * Where a device talks to: the registration gateway (HTTPS 443) and the product's MQTT broker (TLS 8883),
 * both derived from the product id and region (regions.ts holds the host table), and how long an MQTT login
 * stays valid.
 */
import { brokerHost, type Region } from '../protocol/regions.js';

export const GATEWAY_HTTPS_PORT = 443;
export const MQTT_TLS_PORT = 8883;

/**
 * The expiry both apps sign into the MQTT username: an hour ahead. Tencent's C SDK signs LONG_MAX (never),
 * its Java SDK ten minutes; an hour bounds a leaked password while surviving a modest clock error.
 */
export const LOGIN_LIFETIME_SECONDS = 3600;

/** A host and a TCP port. */
export interface Endpoint {
  host: string;
  port: number;
}

/** `<productId>.<region's broker suffix>:8883`. */
export function brokerEndpoint(productId: string, region: Region): Endpoint {
  return { host: brokerHost(productId, region), port: MQTT_TLS_PORT };
}

/** The `expiry` of an MQTT login made at `nowSeconds`. */
export function loginExpiry(nowSeconds: number): number {
  return nowSeconds + LOGIN_LIFETIME_SECONDS;
}
