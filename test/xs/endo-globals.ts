/**
 * The globals @agoric/xsnap's Node side expects (`assert`, `HandledPromise`, `harden`), WITHOUT calling
 * SES `lockdown()`.
 *
 * Why not `import '@endo/init'` (what xsnap's README does): that locks down the whole Node process — it freezes
 * every intrinsic (Array.prototype, Object.prototype, …). Mocha runs all test files in one process, so a
 * lockdown here would change the world under every other engineer's tests (sinon stubs, libraries that
 * assign to inherited properties). xsnap itself only needs the globals, so we provide them and leave the
 * realm mutable. If something else already ran lockdown, its real `harden` is kept.
 *
 * Import this module before '@agoric/xsnap' (ES modules evaluate their imports in order).
 */
import 'ses';
import '@endo/eventual-send/shim.js';
import '@endo/promise-kit/shim.js';

/** Freezes an object graph through own properties (not prototypes): what xsnap's dependencies check for. */
function deepFreeze<T>(root: T): T {
  const seen = new Set<unknown>();
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const item = pending.pop();
    if ((typeof item !== 'object' && typeof item !== 'function') || item === null || seen.has(item)) continue;
    seen.add(item);
    // A typed array with elements cannot be frozen; harden() in SES also leaves their contents alone.
    if (ArrayBuffer.isView(item)) continue;
    Object.freeze(item);
    for (const key of Reflect.ownKeys(item)) {
      const descriptor = Object.getOwnPropertyDescriptor(item, key);
      if (descriptor === undefined) continue;
      if ('value' in descriptor) pending.push(descriptor.value);
      else pending.push(descriptor.get, descriptor.set);
    }
  }
  return root;
}

const globals = globalThis as { harden?: unknown };
if (typeof globals.harden !== 'function') {
  // Configurable and writable, so that a later `lockdown()` (if some other test does run one) can replace it.
  Object.defineProperty(globalThis, 'harden', { value: deepFreeze, configurable: true, writable: true, enumerable: false });
}
