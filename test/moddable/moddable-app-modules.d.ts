/**
 * The manifest modules the simulator test apps (random-app, contract-app) import, for the type-check of
 * tsconfig.json (which does not include hal/moddable or the Moddable typings): only what those apps use.
 */
declare module 'tc-iot-device' {
  import type { CredentialStorage, Hal, LogThreshold } from '../../hal/hal.js';
  export function createModdableHal(options?: { storage?: CredentialStorage; ca?: ArrayBuffer | undefined; logLevel?: LogThreshold; write?: (line: string) => void; now?: () => number }): Hal;
  export function randomBytes(length: number): Uint8Array;
  export function loadCaFile(path: string): ArrayBuffer;
  export class PreferenceStorage implements CredentialStorage {
    constructor(options?: { domain?: string });
    load: CredentialStorage['load'];
    save: CredentialStorage['save'];
  }
}

/** The app's "config" (mcconfig `key=value` overrides), as strings. */
declare module 'mc/config' {
  const config: Record<string, string | undefined>;
  export default config;
}

declare module 'tc-iot-platform' {
  /** Reads a whole host file (the desktop simulators' platform module, hal/moddable/platform/files.ts). */
  export const readHostFile: ((path: string) => ArrayBuffer) | undefined;
}

declare module 'timer' {
  const Timer: { set(callback: () => void, ms: number): unknown; clear(timer: unknown): void };
  export default Timer;
}
