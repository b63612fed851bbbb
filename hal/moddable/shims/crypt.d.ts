/**
 * Moddable's native crypto (modules/crypt/digest/crypt.js over modCrypt.c; in every image with TLS, via
 * $(MODULES)/crypt/tls.json) and its JavaScript HMAC (modules/crypt/etc/hmac.js). @moddable/typings has no
 * declarations for them; these cover what hal/moddable/native-crypto.ts uses. Buffers are ArrayBuffers (or
 * views); results are ArrayBuffers.
 */
declare module 'crypt' {
  export class Digest {
    constructor(type: 'SHA1' | 'SHA256');
    write(data: ArrayBuffer | ArrayBufferView): void;
    close(): ArrayBuffer;
    reset(): void;
    process(...data: (ArrayBuffer | ArrayBufferView)[]): ArrayBuffer;
    readonly blockSize: number;
    readonly outputSize: number;
  }
  export class BlockCipher {
    /** Throws "bad key size" for a key that is not 16, 24 or 32 bytes. */
    constructor(cipher: 'AES', key: ArrayBuffer);
    readonly blockSize: number;
  }
  export class Mode {
    /** `pad` false (default): no PKCS#5 padding is added or removed. */
    constructor(mode: 'CBC', cipher: BlockCipher, iv: ArrayBuffer, pad?: boolean);
    decrypt(data: ArrayBuffer | ArrayBufferView, result?: ArrayBuffer): ArrayBuffer;
  }
}

declare module 'hmac' {
  import type { Digest } from 'crypt';
  export default class HMAC {
    constructor(hash: Digest, key: ArrayBuffer | ArrayBufferView);
    process(...data: (ArrayBuffer | ArrayBufferView)[]): ArrayBuffer;
  }
}
