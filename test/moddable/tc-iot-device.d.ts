/** What the test apps use of the library module "tc-iot-device" (hal/moddable/index.ts), for the type-check. */
declare module 'tc-iot-device' {
  import type { CredentialStorage, Hal, LogLevel } from '../../hal/hal.js';
  export function createModdableHal(options?: { storage?: CredentialStorage; ca?: ArrayBuffer | undefined; logLevel?: LogLevel | 'off'; write?: (line: string) => void }): Hal;
  export function randomBytes(length: number): Uint8Array;
  export function loadCaFile(path: string): ArrayBuffer;
  export class PreferenceStorage implements CredentialStorage {
    constructor(options?: { domain?: string });
    load: CredentialStorage['load'];
    save: CredentialStorage['save'];
  }
}
