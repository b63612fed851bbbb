/**
 * The operations the benchmark times, with one input shape for every library, so that the XS snippets that
 * call them are identical: `ops.v1Signature(IN.v1)` costs the same scaffolding whichever library is loaded.
 */
export interface V1Input {
  productId: string;
  productSecret: string;
  deviceName: string;
  nonce: number;
  timestamp: number;
  signSource: string;
}

export interface V2Input {
  productSecret: string;
  host: string;
  timestamp: number;
  nonce: number;
  body: string;
}

export interface PayloadInput {
  productSecret: string;
  payload: string;
  len: number;
}

/** Everything the key-mode flow needs: a registration, the server's answer, and the MQTT login inputs. */
export interface KeyFlowInput {
  productId: string;
  productSecret: string;
  deviceName: string;
  nonce: number;
  timestamp: number;
  gatewayHost: string;
  responseText: string;
  sdkAppId: string;
  connId: string;
  /** Random bytes from which the core derives `connId` (found by the bench with the core's own mapping). */
  connIdRandom: number[];
  expiry: number;
}

/** Byte inputs for timing the bare crypto functions (Latin-1/ASCII text or hex; made into Uint8Arrays in XS). */
export interface PrimitiveInput {
  productSecret: string;
  signSource: string;
  stringToSign: string;
  aesKey: string;
  iv: string;
  keyCiphertextHex: string;
  certCiphertextHex: string;
}

export interface BenchInputs {
  primitives: PrimitiveInput;
  v1: V1Input;
  v2: V2Input;
  keyPayload: PayloadInput;
  certPayload: PayloadInput;
  keyFlow: KeyFlowInput;
}

export interface BenchOps {
  /** v1: Base64 of the lowercase hex of HMAC-SHA1(productSecret, signSource). */
  v1Signature(input: V1Input): string;
  /** v2 hmacsha256: SHA-256 of the body into the string to sign, then Base64 of HMAC-SHA256. */
  v2Signature(input: V2Input): string;
  /** Base64-decode, AES-128-CBC decrypt (key = first 16 chars, IV = sixteen '0'), cut to len, UTF-8 decode. */
  decryptPayload(input: PayloadInput): string;
  /** Build the v1 request, parse the answer, decrypt, read the psk, compute the MQTT password (returned). */
  keyModeFlow(input: KeyFlowInput): string;
}
