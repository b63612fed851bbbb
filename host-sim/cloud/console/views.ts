/**
 * What the console API shows of products and devices. Built field by field from an allow-list, so a
 * secret (product secret, device secret, certificate fingerprint) can only leave through the one route
 * that exists for it (`GET /api/products/{id}/secret`), never by being forgotten in a spread.
 */
import type { Product } from '../products.js';
import type { DeviceEntry, Registry } from '../registry.js';

export type DeviceState = 'unregistered' | 'registered' | 'online';

export interface DeviceView {
  productId: string;
  deviceName: string;
  /** unregistered = holds no credential; registered = holds one, not connected; online = connected now. */
  state: DeviceState;
  /** Has logged in over MQTT since its last registration (then registration is refused). */
  activated: boolean;
  /** What kind of credential it holds: `key` (device secret), `certificate`, or null. */
  credential: 'key' | 'certificate' | null;
  /** `precreated` = its name was entered beforehand; `auto` = created by its own registration. */
  origin: 'precreated' | 'auto';
  registrations: number;
  lastLoginAt: string | null;
}

export interface ProductView {
  productId: string;
  authMode: 'KEY' | 'CERT';
  dynamicRegistration: boolean;
  autoCreateDevices: boolean;
  /** The products-file word for the two switches together: off, precreated or auto. */
  registrationMode: 'off' | 'precreated' | 'auto';
  registerLimit: number | null;
  /** Devices created by auto-registration (what the limit counts). */
  autoCreatedCount: number;
  deviceCount: number;
  onlineCount: number;
  /** `console` = created in the console; `products-file` = from the products file. */
  source: 'console' | 'products-file';
}

export function deviceView(entry: Readonly<DeviceEntry>, online: boolean): DeviceView {
  const credential = entry.psk !== undefined ? 'key' : entry.certFingerprint !== undefined ? 'certificate' : null;
  return {
    productId: entry.productId,
    deviceName: entry.deviceName,
    state: credential === null ? 'unregistered' : online ? 'online' : 'registered',
    activated: entry.activated,
    credential,
    origin: entry.origin,
    registrations: entry.registrations,
    lastLoginAt: entry.lastLoginAt ?? null,
  };
}

export function productView(product: Product, registry: Registry, devices: readonly DeviceView[]): ProductView {
  const settings = registry.productSettings(product.productId);
  const own = devices.filter((device) => device.productId === product.productId);
  return {
    productId: product.productId,
    authMode: product.authMode,
    dynamicRegistration: settings.dynamicRegistration,
    autoCreateDevices: settings.autoCreateDevices,
    registrationMode: product.dynamicRegistration,
    registerLimit: product.registerLimit ?? null,
    autoCreatedCount: registry.autoCreatedCount(product.productId),
    deviceCount: own.length,
    onlineCount: own.filter((device) => device.state === 'online').length,
    source: settings.createdInConsole ? 'console' : 'products-file',
  };
}
