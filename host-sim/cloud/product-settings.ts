/**
 * Product settings changed in the console, as the state file keeps them. The products file says what a
 * product is when the cloud first meets it; after a change in the console the state file is the authority
 * for that product's settings (dynamic registration, automatic device creation, limit, pre-created names),
 * as Tencent's console is for a real product. Its id, secret and auth mode still come from the products
 * file; a product created in the console keeps those in the state file too.
 */
import { parseProducts, type AuthMode, type DynamicRegistration, type Product } from './products.js';

export interface StoredProduct {
  productId: string;
  /** Dynamic registration on or off. */
  dynamicRegistration: boolean;
  /** Unknown names may register (create a device); remembered while dynamic registration is off. */
  autoCreateDevices: boolean;
  registerLimit?: number;
  /** The pre-created names the products file would otherwise create again on the next start. */
  devices: string[];
  /** Only for a product created in the console. */
  productSecret?: string;
  authMode?: AuthMode;
}

export interface ProductSettings {
  dynamicRegistration: boolean;
  autoCreateDevices: boolean;
}

export function modeOf(settings: ProductSettings): DynamicRegistration {
  if (!settings.dynamicRegistration) return 'off';
  return settings.autoCreateDevices ? 'auto' : 'precreated';
}

/** The settings a product of the products file has before any console change. */
export function settingsOfMode(mode: DynamicRegistration): ProductSettings {
  return { dynamicRegistration: mode !== 'off', autoCreateDevices: mode === 'auto' };
}

/** Validates through the products-file parser, so a console product obeys the same rules (throws ProductsFileError). */
export function validProduct(raw: Record<string, unknown>): Product {
  return parseProducts({ products: [raw] }).products[0]!;
}

/** The product as it runs: the file's identity (when there is one) with the stored settings. */
export function applyStoredProduct(fromFile: Product | undefined, stored: StoredProduct): Product | undefined {
  const settings = {
    dynamicRegistration: modeOf(stored),
    ...(stored.registerLimit === undefined ? {} : { registerLimit: stored.registerLimit }),
    devices: stored.devices,
  };
  if (fromFile) return validProduct({ productId: fromFile.productId, productSecret: fromFile.productSecret, authMode: fromFile.authMode, ...settings });
  if (stored.productSecret === undefined || stored.authMode === undefined) return undefined; // gone from the products file
  return validProduct({ productId: stored.productId, productSecret: stored.productSecret, authMode: stored.authMode, ...settings });
}

export function isStoredProduct(value: unknown): value is StoredProduct {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.productId === 'string' && typeof v.dynamicRegistration === 'boolean' && typeof v.autoCreateDevices === 'boolean'
    && (v.registerLimit === undefined || typeof v.registerLimit === 'number') && Array.isArray(v.devices) && v.devices.every((name) => typeof name === 'string')
    && (v.productSecret === undefined || typeof v.productSecret === 'string') && (v.authMode === undefined || v.authMode === 'KEY' || v.authMode === 'CERT');
}
