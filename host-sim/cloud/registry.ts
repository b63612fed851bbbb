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
}

/** What a registration stores: exactly one of the two, by the product's auth mode. */
export type IssuedCredential = { psk: string } | { certFingerprint: string };

interface StateFileShape {
  version: 1;
  devices: DeviceEntry[];
  replay: string[];
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
    && typeof v.activated === 'boolean' && typeof v.registrations === 'number';
}

export class Registry {
  readonly #products = new Map<string, Product>();
  readonly #devices = new Map<string, DeviceEntry>();
  /** Insertion-ordered, so the oldest key is the first one. */
  readonly #replay = new Set<string>();
  readonly #statePath: string | undefined;
  readonly #saver: GroupedSaver;

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
    for (const product of products.products) {
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
  }

  #serialize(): string {
    const state: StateFileShape = { version: 1, devices: [...this.#devices.values()], replay: [...this.#replay] };
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

  /** Waits for pending saves (used by close()). */
  async flush(): Promise<void> {
    await this.#saver.idle();
  }
}
