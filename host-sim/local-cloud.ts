/**
 * The demo's and the fleet's in-process local cloud: a fresh product with a random id and secret, started
 * with the cloud's own startCloud on ports 0, and the CA PEM the device must trust.
 */
import { randomBytes } from 'node:crypto';
import { startCloud } from './cloud/index.js';
import type { AuthMode } from '../src/conventions/unions.js';

export interface LocalCloud {
  productId: string;
  productSecret: string;
  authMode: AuthMode;
  gatewayUrl: string;
  brokerUrl: string;
  caPem: string;
  /** The console's address with its token (`http://127.0.0.1:<port>/#token=…`). */
  consoleUrl: string;
  close(): Promise<void>;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(alphabet: string, length: number): string {
  // 256 % 36 and 256 % 62 bias the first letters a little; irrelevant for throw-away demo ids.
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** A product id shaped like Tencent's (10 upper-case letters and digits). */
export function randomProductId(): string {
  return randomText(ID_ALPHABET, 10);
}

export async function startLocalCloud(authMode: AuthMode, registerLimit?: number): Promise<LocalCloud> {
  const productId = randomProductId();
  const productSecret = randomText(SECRET_ALPHABET, 24);
  const cloud = await startCloud({
    products: { products: [{ productId, productSecret, authMode, dynamicRegistration: 'auto', ...(registerLimit === undefined ? {} : { registerLimit }), devices: [] }] },
  });
  return {
    productId,
    productSecret,
    authMode,
    gatewayUrl: cloud.gateway,
    brokerUrl: cloud.broker,
    caPem: cloud.caPem,
    consoleUrl: `${cloud.console}#token=${cloud.consoleToken}`,
    close: () => cloud.close(),
  };
}
