/**
 * Tencent Cloud IoT regions and the host names that depend on them (PROTOCOL.md §2, §3, §6).
 *
 * The broker names are not one pattern: China and us-east live under `iotcloud`, europe and ap-bangkok
 * under `iothub`. They are copied from Tencent's SDKs, so they sit in one frozen table here.
 */
import { IotError } from '../errors.js';
import type { TrustAnchor } from '../../hal/hal.js';
import { isRegisterApi, type RegisterApi } from '../conventions/unions.js';

export type Region = 'china' | 'us-east' | 'europe' | 'ap-bangkok';

export type { RegisterApi };

interface RegionHosts {
  /** API v1 (`/register/dev`) gateway. */
  readonly v1: string;
  /** API v2 (`/device/register`) gateway. */
  readonly v2: string;
  /** Broker suffix, appended to `<productId>.`. */
  readonly broker: string;
}

const HOSTS: Readonly<Record<Region, RegionHosts>> = Object.freeze({
  china: Object.freeze({ v1: 'gateway.tencentdevices.com', v2: 'ap-guangzhou.gateway.tencentdevices.com', broker: 'iotcloud.tencentdevices.com' }),
  'us-east': Object.freeze({ v1: 'us-east.gateway.tencentdevices.com', v2: 'us-east.gateway.tencentdevices.com', broker: 'us-east.iotcloud.tencentdevices.com' }),
  europe: Object.freeze({ v1: 'europe.gateway.tencentdevices.com', v2: 'europe.gateway.tencentdevices.com', broker: 'europe.iothub.tencentdevices.com' }),
  'ap-bangkok': Object.freeze({ v1: 'ap-bangkok.gateway.tencentdevices.com', v2: 'ap-bangkok.gateway.tencentdevices.com', broker: 'ap-bangkok.iothub.tencentdevices.com' }),
});

export const REGIONS: readonly Region[] = Object.freeze(['china', 'us-east', 'europe', 'ap-bangkok']);

/**
 * Reads a region name as a device-info file or a CLI flag spells it. Case and surrounding blanks are
 * forgiven (hand-edited files); an unknown name is `bad-input`, because guessing a region would send the
 * product secret's signature to the wrong cloud.
 */
export function parseRegion(text: unknown): Region {
  if (typeof text !== 'string') throw new IotError('bad-input', 'region must be a string');
  const name = text.trim().toLowerCase();
  for (let i = 0; i < REGIONS.length; i++) {
    if (REGIONS[i] === name) return REGIONS[i]!;
  }
  throw new IotError('bad-input', `unknown region (expected one of: ${REGIONS.join(', ')})`);
}

/** The registration gateway for a region and API version (HTTPS, port 443). */
export function gatewayHost(region: Region, api: RegisterApi): string {
  const hosts = HOSTS[region];
  if (hosts === undefined) throw new IotError('bad-input', 'unknown region');
  if (!isRegisterApi(api)) throw new IotError('bad-input', 'api must be v1 or v2');
  return hosts[api];
}

/**
 * Which CA vouches for a registration gateway: the v1 gateways present the self-signed "Tencent Iothub" root
 * (as the broker does), the v2 gateway a public-web certificate (DigiCert Global Root CA). PROTOCOL.md §2, §3.
 */
export function gatewayTrust(api: RegisterApi): TrustAnchor {
  if (!isRegisterApi(api)) throw new IotError('bad-input', 'api must be v1 or v2');
  return api === 'v1' ? 'tencent-iothub' : 'public-web';
}

/** The MQTT broker of a product in a region (TLS port 8883). */
export function brokerHost(productId: string, region: Region): string {
  const hosts = HOSTS[region];
  if (hosts === undefined) throw new IotError('bad-input', 'unknown region');
  return `${productId}.${hosts.broker}`;
}
