/**
 * What the runner needs to know about a device: its identity, the product's secret and auth mode, its
 * region, and — once registered — its credential.
 */
import type { Credential } from '../../hal/hal.js';
import type { AuthMode } from '../conventions/unions.js';
import type { Region } from '../protocol/regions.js';

export type { AuthMode };

export interface DeviceRecord {
  productId: string;
  /** The product secret (16..64 printable ASCII; its first 16 characters are the payload's AES key). */
  productSecret: string;
  deviceName: string;
  authMode: AuthMode;
  region: Region;
  /** Present once the device is registered. */
  credential?: Credential;
}

/**
 * The most bytes a stored credential may take once serialised by a HAL. It is one ESP32 NVS `Preference`
 * value (4000 bytes, MODDABLE.md), and both HALs refuse more with `storage`, so the host simulator is never
 * more permissive than the device. A certificate credential from Tencent (PEM certificate + 2048-bit RSA
 * PKCS#1 key) is about 2.9 KB, which leaves room for the HAL's framing.
 */
export const MAX_STORED_CREDENTIAL_BYTES = 4000;
