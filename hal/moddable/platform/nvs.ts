/**
 * The firmware's platform module on the ESP32 ("tc-iot-platform" in manifest.json's esp32 section).
 * Flash values are Moddable's `Preference` over NVS: `get` reads NVS itself (modules/files/preference/esp32/
 * modPreference.c keeps no cache), so a read-back after `set` proves what the flash holds. There is no host
 * file system to read a CA from: the CA is a resource (`ca=`).
 */
import Preference from 'preference';
import type { PreferenceApi } from '../preference-storage.js';

export const flash: PreferenceApi = Preference;

/** Reading a file of the host is only possible on the desktop simulators. */
export const readHostFile: ((path: string) => ArrayBuffer) | undefined = undefined;

/** Where flash values live, for the boot line. */
export const flashDescription = 'NVS (Preference)';
