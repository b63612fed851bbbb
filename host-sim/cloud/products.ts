/**
 * The products file of the local cloud: which products exist, with which secret, auth mode and registration
 * setting. Parsing is strict and every refusal names the field that is wrong (never its value: the secret
 * must not leak into a log line).
 */
import { FILE_CAPS, readFailureReason, readRegularFile } from '../../hal/node/regular-file.js';

export type AuthMode = 'KEY' | 'CERT';
export type DynamicRegistration = 'off' | 'precreated' | 'auto';

export interface Product {
  readonly productId: string;
  readonly productSecret: string;
  readonly authMode: AuthMode;
  readonly dynamicRegistration: DynamicRegistration;
  /** Devices that auto-registration may create; undefined = unlimited. Pre-created names do not count. */
  readonly registerLimit: number | undefined;
  /** Names pre-created in the "console". */
  readonly devices: readonly string[];
}

export interface ProductsFile {
  readonly products: readonly Product[];
}

/** Tencent's device-name rule. */
export const DEVICE_NAME_PATTERN = /^[A-Za-z0-9:_-]{1,48}$/;
/** Product ids are 10 upper-case alphanumerics in every known example; accept any plain alphanumeric id. */
const PRODUCT_ID_PATTERN = /^[A-Za-z0-9]{1,32}$/;

/** The `field` of a problem with the file as a whole (unreadable, not JSON). */
export const WHOLE_FILE = '(file)';

export class ProductsFileError extends Error {
  /** The path of the bad field, e.g. `products[0].authMode`. */
  readonly field: string;
  constructor(field: string, problem: string) {
    // A problem with the whole file reads "products file <problem>", one with a field names the field.
    super(field === WHOLE_FILE ? `products file ${problem}` : `products file: ${field} ${problem}`);
    this.field = field;
  }
}
Object.defineProperty(ProductsFileError.prototype, 'name', { value: 'ProductsFileError' });

const PRODUCT_KEYS = new Set(['productId', 'productSecret', 'authMode', 'dynamicRegistration', 'registerLimit', 'devices']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseProduct(raw: unknown, at: string): Product {
  if (!isObject(raw)) throw new ProductsFileError(at, 'must be an object');
  for (const key of Object.keys(raw)) {
    if (!PRODUCT_KEYS.has(key)) throw new ProductsFileError(`${at}.${key}`, 'is not a known field');
  }
  const { productId, productSecret, authMode, dynamicRegistration, registerLimit, devices } = raw;
  if (typeof productId !== 'string' || !PRODUCT_ID_PATTERN.test(productId)) {
    throw new ProductsFileError(`${at}.productId`, 'must be a string of 1 to 32 letters and digits');
  }
  // The first 16 characters are the AES-128 key and the secret is an HMAC key: ASCII, at least 16 long.
  if (typeof productSecret !== 'string' || !/^[\x21-\x7e]{16,64}$/.test(productSecret)) {
    throw new ProductsFileError(`${at}.productSecret`, 'must be a string of 16 to 64 printable ASCII characters');
  }
  if (authMode !== 'KEY' && authMode !== 'CERT') throw new ProductsFileError(`${at}.authMode`, 'must be "KEY" or "CERT"');
  if (dynamicRegistration !== 'off' && dynamicRegistration !== 'precreated' && dynamicRegistration !== 'auto') {
    throw new ProductsFileError(`${at}.dynamicRegistration`, 'must be "off", "precreated" or "auto"');
  }
  if (registerLimit !== undefined && (typeof registerLimit !== 'number' || !Number.isSafeInteger(registerLimit) || registerLimit < 0)) {
    throw new ProductsFileError(`${at}.registerLimit`, 'must be a non-negative integer');
  }
  let names: string[] = [];
  if (devices !== undefined) {
    if (!Array.isArray(devices)) throw new ProductsFileError(`${at}.devices`, 'must be an array of device names');
    const seen = new Set<string>();
    names = devices.map((name: unknown, i: number) => {
      if (typeof name !== 'string' || !DEVICE_NAME_PATTERN.test(name)) {
        throw new ProductsFileError(`${at}.devices[${i}]`, 'must be a device name of 1 to 48 characters [A-Za-z0-9:_-]');
      }
      if (seen.has(name)) throw new ProductsFileError(`${at}.devices[${i}]`, 'repeats an earlier name');
      seen.add(name);
      return name;
    });
  }
  return Object.freeze({
    productId,
    productSecret,
    authMode,
    dynamicRegistration,
    registerLimit: registerLimit as number | undefined,
    devices: Object.freeze(names),
  });
}

/** Validates an already-parsed products object (or JSON text). Throws `ProductsFileError` naming the bad field. */
export function parseProducts(json: unknown): ProductsFile {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      throw new ProductsFileError(WHOLE_FILE, 'is not valid JSON');
    }
  }
  if (!isObject(value)) throw new ProductsFileError('(top level)', 'must be an object with a "products" array');
  if (!Array.isArray(value.products)) throw new ProductsFileError('products', 'must be an array');
  if (value.products.length === 0) throw new ProductsFileError('products', 'must name at least one product');
  const products = value.products.map((raw: unknown, i: number) => parseProduct(raw, `products[${i}]`));
  const ids = new Set<string>();
  products.forEach((product, i) => {
    if (ids.has(product.productId)) throw new ProductsFileError(`products[${i}].productId`, 'repeats an earlier product');
    ids.add(product.productId);
  });
  return Object.freeze({ products: Object.freeze(products) });
}

/** Reads and validates a products file. A missing or unreadable file is a `ProductsFileError` too. */
export async function loadProductsFile(path: string): Promise<ProductsFile> {
  let text: string;
  try {
    text = await readRegularFile(path, FILE_CAPS.products);
  } catch (error) {
    throw new ProductsFileError(WHOLE_FILE, `${path} cannot be read (${readFailureReason(error)})`);
  }
  return parseProducts(text);
}
