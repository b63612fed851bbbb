/**
 * The C SDK's names for a certificate credential's files: `certs/<deviceName>_cert.crt` and
 * `certs/<deviceName>_private.key`, next to the device-info file. Using its names lets a device-info file and
 * its `certs/` folder move between this SDK and Tencent's.
 */
import { validateDeviceName } from '../device/device-name.js';

/** The folder, relative to the device-info file, that holds the two files. */
export const CERTS_DIR = 'certs';

export interface CertFileNames {
  /** Bare file name of the PEM certificate. */
  devCertFile: string;
  /** Bare file name of the PEM private key. */
  devPrivateKeyFile: string;
}

/** The bare names the C SDK gives the two files of `deviceName` (validated: it becomes part of a path). */
export function certFileNamesFor(deviceName: string): CertFileNames {
  validateDeviceName(deviceName);
  return { devCertFile: `${deviceName}_cert.crt`, devPrivateKeyFile: `${deviceName}_private.key` };
}
