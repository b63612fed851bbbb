/**
 * The registration gateway: `POST /register/dev` (API v1) and `POST /device/register` (API v2), answered
 * in Tencent's shapes (PROTOCOL.md §2–§4). Every refusal is an HTTP 200 whose JSON code decides, in the
 * error shape of the API the path belongs to. Nothing here throws past the handler: broken input of any
 * kind becomes an error answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { answerHeaders, asksForKeepAlive } from './answer-framing.js';
import { REFUSALS, Refusal } from './errors.js';
import { certCredentialPlaintext, encryptPayload, keyCredentialPlaintext } from './payload.js';
import type { CloudPki } from './pki.js';
import { DEVICE_NAME_PATTERN, type Product } from './products.js';
import type { IssuedCredential, Registry } from './registry.js';
import type { EventSink } from './console/events.js';
import { safeEqual, v1ExpectedSignature, v2ExpectedSignature, type V2Algorithm } from './signatures.js';

export const MAX_BODY_BYTES = 4096;
export const V1_PATH = '/register/dev';
export const V2_PATH = '/device/register';

type Api = 'v1' | 'v2';

export interface GatewayDeps {
  registry: Registry;
  pki: CloudPki;
  log: (line: string) => void;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Refuse timestamps further than this from `now()`; undefined = do not check (Tencent's behaviour). */
  maxClockSkewSeconds: number | undefined;
  /** The console's event log (registrations and refusals); optional. */
  events?: EventSink;
}

interface SignedRequest {
  productId: string;
  deviceName: string;
  nonce: string;
  timestamp: string;
  signature: string;
}

/** What a successful registration answers, before the API-specific wrapping. */
interface Registration {
  payload: string;
  len: number;
  existed: boolean;
}

class BodyTooLarge extends Error {}
/** The client closed (or the server's request time-out closed) the connection before the body ended. */
class ClientGone extends Error {}

function apiOfPath(path: string): Api {
  // Unknown paths answer in the v1 shape when they look like v1's, else in v2's (the current API).
  return path.startsWith('/register') ? 'v1' : 'v2';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new ClientGone()));
  });
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new Refusal('malformed', 'body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Refusal('malformed', 'body is not a JSON object');
  return value as Record<string, unknown>;
}

function requireString(obj: Record<string, unknown>, field: string): string {
  const value = obj[field];
  if (typeof value !== 'string' || value.length === 0) throw new Refusal('malformed', `field ${field} must be a non-empty string`);
  return value;
}

/** v1 sends nonce and timestamp as JSON numbers; digit strings are tolerated. Returns the decimal text signed. */
function requireInteger(obj: Record<string, unknown>, field: string): string {
  const value = obj[field];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^[0-9]{1,19}$/.test(value)) return value;
  throw new Refusal('malformed', `field ${field} must be a non-negative integer`);
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  if (typeof value !== 'string' || value.length === 0) throw new Refusal('malformed', `header ${name} is missing`);
  return value;
}

/** The Host header without its port (`localhost:8443` → `localhost`, `[::1]:8443` → `[::1]`). */
export function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

function checkName(deviceName: string): void {
  if (!DEVICE_NAME_PATTERN.test(deviceName)) throw new Refusal('invalid-device-name');
}

export class Gateway {
  readonly #deps: GatewayDeps;

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
  }

  /** The `request` listener of the HTTPS server. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '';
    const api = apiOfPath(path); // V1_PATH starts with /register, V2_PATH does not
    const requestId = randomUUID();
    this.#answer(req, path, api, requestId).then(
      (body) => this.#send(res, body, false),
      (error: unknown) => {
        if (error instanceof ClientGone) return void this.#deps.log(`register ${api} ${path}: the connection closed before the body ended`);
        const refusal = error instanceof Refusal ? error : error instanceof BodyTooLarge ? new Refusal('too-large') : new Refusal('internal');
        if (!(error instanceof Refusal) && !(error instanceof BodyTooLarge)) this.#deps.log(`gateway: internal error: ${(error as Error)?.message ?? String(error)}`);
        const device = refusal.device;
        this.#deps.log(`register ${api} ${device === undefined ? path : `${device.productId}/${device.deviceName}`}: refused (${api === 'v1' ? REFUSALS[refusal.reason].v1 : REFUSALS[refusal.reason].v2} ${refusal.message})`);
        this.#deps.events?.emit({ kind: 'registration-refused', api, code: REFUSALS[refusal.reason][api], reason: refusal.reason, message: refusal.message, ...(device === undefined ? { path: path.slice(0, 64) } : { productId: device.productId, deviceName: device.deviceName }) });
        this.#send(res, this.#errorBody(api, refusal, requestId), error instanceof BodyTooLarge);
      },
    );
  };

  #errorBody(api: Api, refusal: Refusal, requestId: string): string {
    const entry = REFUSALS[refusal.reason];
    return api === 'v1'
      ? JSON.stringify({ code: entry.v1, message: refusal.message, requestId })
      : JSON.stringify({ Response: { Error: { Code: entry.v2, Message: refusal.message }, RequestId: requestId } });
  }

  #send(res: ServerResponse, body: string, closeAfter: boolean): void {
    if (res.headersSent || res.destroyed) return;
    const length = Buffer.byteLength(body);
    // An over-long body was not read to its end: the connection cannot carry another request. Otherwise the
    // connection stays open only for a client that asks (answer-framing.ts says why, and why the padding).
    const headers = answerHeaders({ 'Content-Type': 'application/json', 'Content-Length': length }, length, !closeAfter && asksForKeepAlive(res.req));
    res.writeHead(200, headers);
    res.end(body);
  }

  async #answer(req: IncomingMessage, path: string, api: Api, requestId: string): Promise<string> {
    if (path !== V1_PATH && path !== V2_PATH) throw new Refusal('bad-path', `${req.method ?? '?'} ${path.slice(0, 64)}`);
    if (req.method !== 'POST') throw new Refusal('bad-method');
    const body = await readBody(req);
    const signed = api === 'v1' ? this.#verifyV1(body) : this.#verifyV2(req, body);
    try {
      const registration = await this.#register(signed);
      this.#deps.log(`register ${api} ${signed.productId}/${signed.deviceName}: ok (${registration.existed ? 'existing device' : 'new device'}, new credential issued)`);
      this.#deps.events?.emit({ kind: 'registered', api, productId: signed.productId, deviceName: signed.deviceName, existed: registration.existed });
      return api === 'v1'
        ? JSON.stringify({ code: 0, message: '', len: registration.len, payload: registration.payload })
        : JSON.stringify({ Response: { Len: registration.len, Payload: registration.payload, RequestId: requestId, State: registration.existed ? 1 : 0 } });
    } catch (error) {
      if (error instanceof Refusal) error.device = { productId: signed.productId, deviceName: signed.deviceName };
      throw error;
    }
  }

  #productFor(productId: string): Product {
    const product = this.#deps.registry.product(productId);
    if (!product) throw new Refusal('unknown-product');
    return product;
  }

  #verifyV1(body: Buffer): SignedRequest & { product: Product } {
    const json = parseJsonObject(body);
    const deviceName = requireString(json, 'deviceName');
    const productId = requireString(json, 'productId');
    const nonce = requireInteger(json, 'nonce');
    const timestamp = requireInteger(json, 'timestamp');
    const signature = requireString(json, 'signature');
    checkName(deviceName);
    const product = this.#productFor(productId);
    const expected = v1ExpectedSignature(product.productSecret, { deviceName, nonce, productId, timestamp });
    if (!safeEqual(expected, signature)) throw new Refusal('bad-signature');
    return { product, productId, deviceName, nonce, timestamp, signature };
  }

  #verifyV2(req: IncomingMessage, body: Buffer): SignedRequest & { product: Product } {
    const algorithm = header(req, 'x-tc-algorithm');
    if (algorithm !== 'hmacsha256' && algorithm !== 'hmacsha1') throw new Refusal('bad-algorithm');
    const timestamp = header(req, 'x-tc-timestamp');
    const nonce = header(req, 'x-tc-nonce');
    const signature = header(req, 'x-tc-signature');
    if (!/^[0-9]{1,19}$/.test(timestamp)) throw new Refusal('malformed', 'header x-tc-timestamp must be an integer');
    if (!/^[0-9]{1,19}$/.test(nonce)) throw new Refusal('malformed', 'header x-tc-nonce must be an integer');
    const host = hostWithoutPort(header(req, 'host'));
    const json = parseJsonObject(body);
    const productId = requireString(json, 'ProductId');
    const deviceName = requireString(json, 'DeviceName');
    checkName(deviceName);
    const product = this.#productFor(productId);
    const expected = v2ExpectedSignature(product.productSecret, { host, path: V2_PATH, algorithm: algorithm as V2Algorithm, timestamp, nonce, body });
    if (!safeEqual(expected, signature)) throw new Refusal('bad-signature');
    return { product, productId, deviceName, nonce, timestamp, signature };
  }

  async #register(signed: SignedRequest & { product: Product }): Promise<Registration> {
    const { registry, maxClockSkewSeconds, now, pki } = this.#deps;
    const { product, deviceName } = signed;
    if (maxClockSkewSeconds !== undefined && Math.abs(Number(signed.timestamp) - now() / 1000) > maxClockSkewSeconds) {
      throw new Refusal('clock-skew');
    }
    registry.checkAndRememberRequest(signed.productId, deviceName, signed.nonce, signed.timestamp, signed.signature);
    // Check before the (slow, for certificates) credential is made, and again when it is committed.
    registry.checkRegistrationAllowed(product, deviceName);
    let credential: IssuedCredential;
    let plaintext: string;
    if (product.authMode === 'KEY') {
      const psk = randomBytes(16).toString('base64');
      credential = { psk };
      plaintext = keyCredentialPlaintext(psk);
    } else {
      const issued = await pki.issueClientCertificate(product.productId, deviceName);
      credential = { certFingerprint: issued.fingerprint };
      plaintext = certCredentialPlaintext(issued.certPem, issued.keyPem);
    }
    const { existed } = await registry.commitRegistration(product, deviceName, credential);
    const encrypted = encryptPayload(product.productSecret, plaintext);
    return { payload: encrypted.payload, len: encrypted.len, existed };
  }
}
