/**
 * The local cloud (host-sim/cloud) started in-process for device tests, and the boot settings that point
 * the firmware at it: gateway and broker overrides, and the cloud's CA as a DER resource (what a developer
 * adds to manifest.json to try a device against `tc-iot-device cloud`).
 */
import { X509Certificate } from 'node:crypto';
import { startCloud } from '../../host-sim/cloud/index.js';
import type { DeviceBoot } from './device-host.js';

export const KEY_PRODUCT = Object.freeze({ productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf' });
export const CERT_PRODUCT = Object.freeze({ productId: 'C3RT9PR0D1', productSecret: 'T0pS3cr3tPr0duct5ecretXYZ12' });

export interface LocalCloud {
  gateway: string;
  broker: string;
  caDer: Uint8Array;
  events: string[];
  close(): Promise<void>;
  /** Boot settings for a device of `product` pointed at this cloud; `config` adds or overrides keys. */
  boot(product: { productId: string; productSecret: string }, authMode: 'KEY' | 'CERT', config?: Record<string, unknown>, extra?: DeviceBoot): DeviceBoot;
}

export async function startLocalCloud(): Promise<LocalCloud> {
  const events: string[] = [];
  const cloud = await startCloud({
    products: {
      products: [
        { ...KEY_PRODUCT, authMode: 'KEY', dynamicRegistration: 'auto', devices: [] },
        { ...CERT_PRODUCT, authMode: 'CERT', dynamicRegistration: 'auto', devices: [] },
      ],
    },
    log: (line) => events.push(line),
  });
  const caDer = new Uint8Array(new X509Certificate(cloud.caPem).raw);
  return {
    gateway: cloud.gateway,
    broker: cloud.broker,
    caDer,
    events,
    close: () => cloud.close(),
    boot(product, authMode, config = {}, extra = {}) {
      return {
        clock: 'synced',
        ...extra,
        resources: { 'local-cloud-ca.der': caDer, ...(extra.resources ?? {}) },
        config: {
          productId: product.productId,
          productSecret: product.productSecret,
          authMode,
          gateway: cloud.gateway,
          broker: cloud.broker,
          ca: 'local-cloud-ca.der',
          // Short backoff so that retries show within a test; generous timeouts for a loaded machine.
          baseDelayMs: '20',
          maxDelayMs: '200',
          timeoutMs: '30000',
          ...config,
        },
      };
    },
  };
}
