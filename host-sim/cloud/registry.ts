/**
 * The cloud's device registry: who exists, with which current credential, and who is activated; plus the
 * replay cache of signed registration requests. Rules (PROTOCOL.md §5):
 * - registering again before the first successful MQTT login issues a new credential and the old one stops
 *   working; after it ("activated") registration is refused;
 * - a registration is recorded (saved, when there is a state file) before it is reported;
 * - a refused login activates nothing.
 */
import { FILE_CAPS, readFailureReason, readRegularFile } from '../../hal/node/regular-file.js';
import { Refusal } from './errors.js';
import type { Product, ProductsFile } from './products.js';
import { applyStoredProduct, isStoredProduct, modeOf, settingsOfMode, validProduct, type ProductSettings, type StoredProduct } from './product-settings.js';
import { GroupedSaver, writeFileAtomic } from './state-file.js';

export interface DeviceEntry {
  productId: string;
  deviceName: string;
  /** `precreated` = named in the products file; `auto` = created by an auto-registration. */
  origin: 'precreated' | 'auto';
  /** Key products: the current device secret (Base64 of 16 bytes); absent until registered. */
  psk?: string;
  /** Cert products: SHA-256 (hex) of the certificate issued last; absent until registered. */
  certFingerprint?: string;
  activated: boolean;
  registrations: number;
  /** ISO time of the last successful MQTT login (kept for the console; absent in older state files). */
  lastLoginAt?: string;
}

/** What a registration stores: exactly one of the two, by the product's auth mode. */
export type IssuedCredential = { psk: string } | { certFingerprint: string };

interface StateFileShape {
  version: 1;
  devices: DeviceEntry[];
  replay: string[];
  /** Products changed or created in the console (product-settings.ts); absent when there are none. */
  products?: StoredProduct[];
}

/** How many signed requests the replay cache remembers (oldest forgotten first). */
export const REPLAY_CACHE_LIMIT = 20_000;

function deviceKey(productId: string, deviceName: string): string {
  return `${productId}/${deviceName}`;
}

function isDeviceEntry(value: unknown): value is DeviceEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.productId === 'string' && typeof v.deviceName === 'string' && (v.origin === 'precreated' || v.origin === 'auto')
    && (v.psk === undefined || typeof v.psk === 'string') && (v.certFingerprint === undefined || typeof v.certFingerprint === 'string')
    && typeof v.activated === 'boolean' && typeof v.registrations === 'number' && (v.lastLoginAt === undefined || typeof v.lastLoginAt === 'string');
}

export class Registry {
  readonly #products = new Map<string, Product>();
  readonly #devices = new Map<string, DeviceEntry>();
  /** Insertion-ordered, so the oldest key is the first one. */
  readonly #replay = new Set<string>();
  readonly #statePath: string | undefined;
  readonly #saver: GroupedSaver;
  /** Console-changed products, by id: what the state file keeps of them. */
  readonly #stored = new Map<string, StoredProduct>();

  private constructor(products: ProductsFile, statePath: string | undefined) {
    this.#statePath = statePath;
    for (const product of products.products) this.#products.set(product.productId, product);
    this.#saver = new GroupedSaver(async () => {
      if (this.#statePath !== undefined) await writeFileAtomic(this.#statePath, this.#serialize());
    });
  }

  /** Opens the registry, loading `statePath` when it exists. A corrupt state file is an error, never wiped. */
  static async open(products: ProductsFile, statePath?: string): Promise<Registry> {
    const registry = new Registry(products, statePath);
    if (statePath !== undefined) {
      let text: string | undefined;
      try {
        text = await readRegularFile(statePath, FILE_CAPS.cloudState);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`state file cannot be read (${readFailureReason(error)})`);
      }
      if (text !== undefined) registry.#load(text);
    }
    for (const product of registry.#products.values()) {
      for (const name of product.devices) {
        const key = deviceKey(product.productId, name);
        const existing = registry.#devices.get(key);
        if (!existing) registry.#devices.set(key, { productId: product.productId, deviceName: name, origin: 'precreated', activated: false, registrations: 0 });
        else existing.origin = 'precreated';
      }
    }
    if (statePath !== undefined) await registry.#saver.save();
    return registry;
  }

  #load(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('state file is not valid JSON');
    }
    const state = parsed as Partial<StateFileShape>;
    if (typeof state !== 'object' || state === null || state.version !== 1 || !Array.isArray(state.devices) || !Array.isArray(state.replay)) {
      throw new Error('state file has an unknown shape (expected version 1 with devices and replay)');
    }
    state.devices.forEach((entry, i) => {
      if (!isDeviceEntry(entry)) throw new Error(`state file: devices[${i}] is malformed`);
      this.#devices.set(deviceKey(entry.productId, entry.deviceName), { ...entry });
    });
    for (const key of state.replay.slice(-REPLAY_CACHE_LIMIT)) if (typeof key === 'string') this.#replay.add(key);
    (state.products ?? []).forEach((stored, i) => {
      let product: Product | undefined;
      try {
        if (!isStoredProduct(stored)) throw new Error('malformed');
        product = applyStoredProduct(this.#products.get(stored.productId), stored);
      } catch {
        throw new Error(`state file: products[${i}] is malformed`);
      }
      if (!product) return; // a product of the products file that is no longer in it
      this.#products.set(product.productId, product);
      this.#stored.set(product.productId, { ...stored });
    });
  }

  #serialize(): string {
    const state: StateFileShape = { version: 1, devices: [...this.#devices.values()], replay: [...this.#replay] };
    if (this.#stored.size > 0) state.products = [...this.#stored.values()];
    return JSON.stringify(state);
  }

  product(productId: string): Product | undefined {
    return this.#products.get(productId);
  }

  /** Products whose id is a prefix of `clientId`, longest first (ids need not all have the same length). */
  productsForClientId(clientId: string): Product[] {
    return [...this.#products.values()].filter((p) => clientId.startsWith(p.productId)).sort((a, b) => b.productId.length - a.productId.length);
  }

  device(productId: string, deviceName: string): Readonly<DeviceEntry> | undefined {
    return this.#devices.get(deviceKey(productId, deviceName));
  }

  /** Devices created by auto-registration in `productId` (what `registerLimit` counts). */
  autoCreatedCount(productId: string): number {
    let count = 0;
    for (const entry of this.#devices.values()) if (entry.productId === productId && entry.origin === 'auto') count++;
    return count;
  }

  /**
   * Records a verified signed request; a second sighting is a replay. The key includes the signature, so
   * the same product, device, nonce and timestamp signed for the other API or algorithm is not a replay.
   */
  checkAndRememberRequest(productId: string, deviceName: string, nonce: string, timestamp: string, signature: string): void {
    const key = `${productId}\n${deviceName}\n${nonce}\n${timestamp}\n${signature}`;
    if (this.#replay.has(key)) throw new Refusal('replayed');
    this.#replay.add(key);
    if (this.#replay.size > REPLAY_CACHE_LIMIT) {
      const oldest = this.#replay.values().next().value;
      if (oldest !== undefined) this.#replay.delete(oldest);
    }
  }

  /** Throws the Refusal that a registration of `deviceName` would meet now; returns whether it exists. */
  checkRegistrationAllowed(product: Product, deviceName: string): { exists: boolean } {
    const existing = this.#devices.get(deviceKey(product.productId, deviceName));
    if (product.dynamicRegistration === 'off') throw new Refusal('registration-off');
    if (existing?.activated) throw new Refusal('already-activated');
    if (existing) return { exists: true };
    if (product.dynamicRegistration === 'precreated') throw new Refusal('not-precreated');
    if (product.registerLimit !== undefined && this.autoCreatedCount(product.productId) >= product.registerLimit) throw new Refusal('limit-reached');
    return { exists: false };
  }

  /**
   * Commits a new credential for the device (checking the rules again: the credential was made while other
   * requests ran) and saves. Resolves to whether the device existed before. If saving fails, the change is
   * undone and `Refusal('internal')` is thrown: nothing is reported that is not recorded.
   */
  async commitRegistration(product: Product, deviceName: string, credential: IssuedCredential): Promise<{ existed: boolean }> {
    const { exists } = this.checkRegistrationAllowed(product, deviceName);
    const key = deviceKey(product.productId, deviceName);
    const previous = this.#devices.get(key);
    const entry: DeviceEntry = previous
      ? { ...previous, registrations: previous.registrations + 1 }
      : { productId: product.productId, deviceName, origin: 'auto', activated: false, registrations: 1 };
    delete entry.psk;
    delete entry.certFingerprint;
    Object.assign(entry, credential);
    this.#devices.set(key, entry);
    try {
      await this.#saver.save();
    } catch {
      // Undo only if nobody replaced the entry meanwhile.
      if (this.#devices.get(key) === entry) {
        if (previous) this.#devices.set(key, previous);
        else this.#devices.delete(key);
      }
      throw new Refusal('internal', 'the registration could not be recorded');
    }
    return { existed: exists };
  }

  /** Marks the device activated (first successful MQTT login) and saves before the login is accepted. */
  async activate(productId: string, deviceName: string): Promise<void> {
    const entry = this.#devices.get(deviceKey(productId, deviceName));
    if (!entry || entry.activated) return;
    entry.activated = true;
    try {
      await this.#saver.save();
    } catch (error) {
      entry.activated = false;
      throw error;
    }
  }

  // ---- What the console reads and changes (console/api.ts). Every change is saved before it resolves;
  // ---- when saving fails it is undone and the error thrown, as for registrations.

  products(): Product[] {
    return [...this.#products.values()];
  }

  devices(): Array<Readonly<DeviceEntry>> {
    return [...this.#devices.values()];
  }

  /** Dynamic registration and automatic creation, including the creation setting remembered while off. */
  productSettings(productId: string): ProductSettings & { createdInConsole: boolean } {
    const stored = this.#stored.get(productId);
    const product = this.#products.get(productId);
    const settings = stored ?? settingsOfMode(product?.dynamicRegistration ?? 'off');
    return { dynamicRegistration: settings.dynamicRegistration, autoCreateDevices: settings.autoCreateDevices, createdInConsole: stored?.productSecret !== undefined };
  }

  async #change(apply: () => () => void): Promise<void> {
    const undo = apply();
    try {
      await this.#saver.save();
    } catch (error) {
      undo();
      throw error;
    }
  }

  #storedOf(product: Product, settings: ProductSettings, created: boolean): StoredProduct {
    return {
      productId: product.productId,
      dynamicRegistration: settings.dynamicRegistration,
      autoCreateDevices: settings.autoCreateDevices,
      ...(product.registerLimit === undefined ? {} : { registerLimit: product.registerLimit }),
      devices: [...product.devices],
      ...(created ? { productSecret: product.productSecret, authMode: product.authMode } : {}),
    };
  }

  /** Replaces a product (same id) with `product` and the given settings, and keeps it in the state file. */
  async #putProduct(product: Product, settings: ProductSettings, created: boolean): Promise<void> {
    const previous = this.#products.get(product.productId);
    const previousStored = this.#stored.get(product.productId);
    await this.#change(() => {
      this.#products.set(product.productId, product);
      this.#stored.set(product.productId, this.#storedOf(product, settings, created));
      return () => {
        if (previous) this.#products.set(product.productId, previous);
        else this.#products.delete(product.productId);
        if (previousStored) this.#stored.set(product.productId, previousStored);
        else this.#stored.delete(product.productId);
      };
    });
  }

  /** Adds a product created in the console (its id must be new); its pre-created names become devices. */
  async createProduct(product: Product, settings: ProductSettings): Promise<void> {
    if (this.#products.has(product.productId)) throw new Error('product exists');
    const entries = product.devices.map((deviceName): DeviceEntry => ({ productId: product.productId, deviceName, origin: 'precreated', activated: false, registrations: 0 }));
    for (const entry of entries) this.#devices.set(deviceKey(entry.productId, entry.deviceName), entry);
    try {
      await this.#putProduct(validProduct({ ...product, dynamicRegistration: modeOf(settings) }), settings, true);
    } catch (error) {
      for (const entry of entries) this.#devices.delete(deviceKey(entry.productId, entry.deviceName));
      throw error;
    }
  }

  /** Changes dynamic registration, automatic creation and/or the limit (null = unlimited). */
  async changeProduct(productId: string, change: Partial<ProductSettings> & { registerLimit?: number | null }): Promise<Product> {
    const product = this.#products.get(productId);
    if (!product) throw new Error('no such product');
    const current = this.productSettings(productId);
    const settings = { dynamicRegistration: change.dynamicRegistration ?? current.dynamicRegistration, autoCreateDevices: change.autoCreateDevices ?? current.autoCreateDevices };
    const registerLimit = change.registerLimit === undefined ? product.registerLimit : change.registerLimit ?? undefined;
    const next = validProduct({ productId, productSecret: product.productSecret, authMode: product.authMode, dynamicRegistration: modeOf(settings), ...(registerLimit === undefined ? {} : { registerLimit }), devices: [...product.devices] });
    await this.#putProduct(next, settings, current.createdInConsole);
    return next;
  }

  /** Pre-creates unregistered devices; resolves to the names that already existed (then nothing is added). */
  async addDevices(productId: string, deviceNames: readonly string[]): Promise<string[]> {
    const existing = deviceNames.filter((name) => this.#devices.has(deviceKey(productId, name)));
    if (existing.length > 0) return existing;
    const keys = deviceNames.map((deviceName) => deviceKey(productId, deviceName));
    await this.#change(() => {
      deviceNames.forEach((deviceName, i) => this.#devices.set(keys[i]!, { productId, deviceName, origin: 'precreated', activated: false, registrations: 0 }));
      return () => keys.forEach((key) => this.#devices.delete(key));
    });
    return [];
  }

  /** Back to unregistered: the credential is forgotten (so it no longer logs in) and registration is allowed again. */
  async resetDevice(productId: string, deviceName: string): Promise<Readonly<DeviceEntry> | undefined> {
    const key = deviceKey(productId, deviceName);
    const previous = this.#devices.get(key);
    if (!previous) return undefined;
    const { psk: _psk, certFingerprint: _cert, ...rest } = previous;
    const entry: DeviceEntry = { ...rest, activated: false };
    await this.#change(() => {
      this.#devices.set(key, entry);
      return () => this.#devices.set(key, previous);
    });
    return entry;
  }

  /** Deletes the device (and its pre-created name, so a restart does not bring it back); false if unknown. */
  async deleteDevice(productId: string, deviceName: string): Promise<boolean> {
    const key = deviceKey(productId, deviceName);
    const previous = this.#devices.get(key);
    if (!previous) return false;
    const product = this.#products.get(productId);
    if (product?.devices.includes(deviceName)) {
      const next = validProduct({ ...product, devices: product.devices.filter((name) => name !== deviceName) });
      this.#devices.delete(key);
      try {
        await this.#putProduct(next, this.productSettings(productId), this.productSettings(productId).createdInConsole);
      } catch (error) {
        this.#devices.set(key, previous);
        throw error;
      }
      return true;
    }
    await this.#change(() => {
      this.#devices.delete(key);
      return () => this.#devices.set(key, previous);
    });
    return true;
  }

  /** Notes a successful login's time. Saved in the background: the login does not wait for it. */
  noteLogin(productId: string, deviceName: string, atMs: number): void {
    const entry = this.#devices.get(deviceKey(productId, deviceName));
    if (!entry) return;
    entry.lastLoginAt = new Date(atMs).toISOString();
    if (this.#statePath !== undefined) this.#saver.save().catch(() => undefined);
  }

  /** Waits for pending saves (used by close()). */
  async flush(): Promise<void> {
    await this.#saver.idle();
  }
}
