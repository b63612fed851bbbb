/** Writes a device-info file in the C SDK's exact shape (PROTOCOL.md §1), not registered yet. */
import { lstat } from 'node:fs/promises';
import { writeFileAtomic } from '../hal/node/atomic-file.js';
import type { AuthMode } from '../src/conventions/unions.js';

export interface NewDeviceInfo {
  authMode: AuthMode;
  productId: string;
  productSecret: string;
  deviceName: string;
  region?: string;
}

/** The C SDK's template with its placeholders, as a user would copy it. */
export function deviceInfoTemplate(device: NewDeviceInfo): string {
  return `${JSON.stringify({
    auth_mode: device.authMode,
    productId: device.productId,
    productSecret: device.productSecret,
    deviceName: device.deviceName,
    region: device.region ?? 'china',
    key_deviceinfo: { deviceSecret: 'YOUR_IOT_PSK' },
    cert_deviceinfo: { devCertFile: 'YOUR_DEVICE_CERT_FILE_NAME', devPrivateKeyFile: 'YOUR_DEVICE_PRIVATE_KEY_FILE_NAME' },
  }, null, 4)}\n`;
}

/**
 * Creates the file private from the start (it holds the product secret), atomically like every credential
 * write (temp file, fsync, rename, fsync of the folder; no temp file left on failure). Refuses an existing
 * path (EEXIST), as the C SDK's template must not overwrite a device's file.
 */
export async function writeNewDeviceInfo(path: string, device: NewDeviceInfo): Promise<void> {
  const exists = await lstat(path).then(() => true, (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return false;
    throw error;
  });
  if (exists) throw Object.assign(new Error(`${path} already exists`), { code: 'EEXIST' });
  await writeFileAtomic(path, deviceInfoTemplate(device), 0o600);
}
