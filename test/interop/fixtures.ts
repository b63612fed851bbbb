/**
 * The interop suite's products and the host names the C SDK dials (compiled in: PROTOCOL.md §2, §6), shared
 * by the runner (which writes the namespace's /etc/hosts) and the tests (which start the cloud).
 */
export const KEY_PRODUCT = Object.freeze({ productId: 'CSDKKEY001', productSecret: 'CsDkKeYpRoDuCtSeCrEt0123', authMode: 'KEY', dynamicRegistration: 'auto' } as const);
export const CERT_PRODUCT = Object.freeze({ productId: 'CSDKCERT01', productSecret: 'CsDkCeRtPrOdUcTsEcReT012', authMode: 'CERT', dynamicRegistration: 'auto' } as const);
export const OFF_PRODUCT = Object.freeze({ productId: 'CSDKOFF001', productSecret: 'CsDkOfFpRoDuCtSeCrEt0123', authMode: 'KEY', dynamicRegistration: 'off' } as const);
export const PRODUCTS = Object.freeze([KEY_PRODUCT, CERT_PRODUCT, OFF_PRODUCT]);

/** Tencent's v1 registration gateway for region "china" (the C SDK's DYN_REG_SERVER_URL, port 443). */
export const GATEWAY_HOST = 'gateway.tencentdevices.com';

/** `<productId>.iotcloud.tencentdevices.com` (the C SDK's MQTT host for region "china", port 8883). */
export function brokerHostOf(productId: string): string {
  return `${productId}.iotcloud.tencentdevices.com`;
}

/** Every name the samples and the simulator dial, for /etc/hosts and the server certificate. */
export const TENCENT_NAMES = Object.freeze([GATEWAY_HOST, ...PRODUCTS.map((p) => brokerHostOf(p.productId))]);
