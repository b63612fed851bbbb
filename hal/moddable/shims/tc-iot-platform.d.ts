/**
 * `tc-iot-platform`: the firmware's one platform-specific module, chosen by manifest.json per platform —
 * hal/moddable/platform/nvs.ts on the ESP32, hal/moddable/platform/files.ts on the desktop simulators.
 * (The shape is PreferenceApi's in preference-storage.ts; an ambient module cannot import a relative path.)
 */
declare module 'tc-iot-platform' {
  /** Flash values (get/set/delete by domain and key). */
  export const flash: {
    get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined;
    set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void;
    delete(domain: string, key: string): void;
  };
  /** Reads a whole host file; undefined where the platform has no host file system (ESP32). */
  export const readHostFile: ((path: string) => ArrayBuffer) | undefined;
  /** Where flash values live, for the boot line. */
  export const flashDescription: string;
}
