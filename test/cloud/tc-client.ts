/**
 * An independent Tencent IoT device client for the cloud emulator's tests: node:crypto, node:https and
 * MQTT.js only, written from PROTOCOL.md — neither the SDK core (src/) nor the emulator's own signing code.
 */
import { createDecipheriv, createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { request } from 'node:https';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { RunningCloud } from '../../host-sim/cloud/index.js';

export const PRODUCT_ID = 'K7QW2ZP4XA';
export const PRODUCT_SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';

export interface HttpAnswer {
  status: number;
  text: string;
  json: any;
}

/** POSTs (or `method`s) `body` to the gateway, trusting only the cloud's CA. */
export function post(cloud: Pick<RunningCloud, 'gateway' | 'caPem'>, path: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<HttpAnswer> {
  const url = new URL(cloud.gateway);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: Number(url.port), path, method, ca: cloud.caPem, servername: 'localhost', agent: false,
      headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface V1Params { productId: string; productSecret: string; deviceName: string; nonce?: number; timestamp?: number }

/** The C SDK's v1 body, fields in its order, signature = Base64(hex(HMAC-SHA1)). */
export function v1Body(p: V1Params): string {
  const nonce = p.nonce ?? randomInt(1, 2 ** 31 - 1);
  const timestamp = p.timestamp ?? Math.floor(Date.now() / 1000);
  const source = `deviceName=${p.deviceName}&nonce=${nonce}&productId=${p.productId}&timestamp=${timestamp}`;
  const hex = createHmac('sha1', p.productSecret).update(source).digest('hex');
  const signature = Buffer.from(hex).toString('base64');
  return `{"deviceName":${JSON.stringify(p.deviceName)},"nonce":${nonce},"productId":${JSON.stringify(p.productId)},"timestamp":${timestamp},"signature":"${signature}"}`;
}

export interface V2Params extends V1Params { algorithm?: 'hmacsha256' | 'hmacsha1'; host?: string }

/** The v2 request: compact body and the X-TC-* headers; `host` is what the Host header will carry. */
export function v2Request(p: V2Params): { body: string; headers: Record<string, string> } {
  const algorithm = p.algorithm ?? 'hmacsha256';
  const hash = algorithm === 'hmacsha256' ? 'sha256' : 'sha1';
  const nonce = p.nonce ?? randomInt(1, 2 ** 31 - 1);
  const timestamp = p.timestamp ?? Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ ProductId: p.productId, DeviceName: p.deviceName });
  const host = p.host ?? 'localhost';
  const toSign = ['POST', host, '/device/register', '', algorithm, String(timestamp), String(nonce), createHash(hash).update(body).digest('hex')].join('\n');
  const signature = createHmac(hash, p.productSecret).update(toSign).digest('base64');
  return { body, headers: { 'X-TC-Algorithm': algorithm, 'X-TC-Timestamp': String(timestamp), 'X-TC-Nonce': String(nonce), 'X-TC-Signature': signature } };
}

/** AES-128-CBC, key = first 16 chars, IV = 16 × '0', no unpadding: cut to `len`. */
export function decrypt(productSecret: string, payloadBase64: string, len: number): string {
  const decipher = createDecipheriv('aes-128-cbc', Buffer.from(productSecret.slice(0, 16)), Buffer.from('0'.repeat(16)));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(payloadBase64, 'base64')), decipher.final()]);
  return plain.subarray(0, len).toString('utf8');
}

export const V1_SUCCESS = /^\{"code":0,"message":"","len":(\d+),"payload":"([A-Za-z0-9+/]+={0,2})"\}$/;
export const V2_SUCCESS = /^\{"Response":\{"Len":(\d+),"Payload":"([A-Za-z0-9+/]+={0,2})","RequestId":"([^"]+)","State":([01])\}\}$/;
export const V1_ERROR = /^\{"code":(\d+),"message":"([^"]*)","requestId":"([^"]+)"\}$/;
export const V2_ERROR = /^\{"Response":\{"Error":\{"Code":"([A-Za-z.]+)","Message":"([^"]*)"\},"RequestId":"([^"]+)"\}\}$/;

/** Registers through v1 and returns the decrypted credential JSON; throws with the answer on refusal. */
export async function registerV1(cloud: RunningCloud, p: V1Params): Promise<any> {
  const answer = await post(cloud, '/register/dev', v1Body(p));
  const match = V1_SUCCESS.exec(answer.text);
  if (!match) throw new Error(`v1 registration refused: ${answer.text}`);
  return JSON.parse(decrypt(p.productSecret, match[2]!, Number(match[1])));
}

export async function registerV2(cloud: RunningCloud, p: V2Params): Promise<any> {
  const { body, headers } = v2Request(p);
  const answer = await post(cloud, '/device/register', body, headers);
  const match = V2_SUCCESS.exec(answer.text);
  if (!match) throw new Error(`v2 registration refused: ${answer.text}`);
  return JSON.parse(decrypt(p.productSecret, match[2]!, Number(match[1])));
}

export interface KeyLogin { clientId: string; username: string; password: string }

/** Username `<clientId>;<appid>;<connid>;<expiry>`, password `hex(HMAC(b64decode(psk), username));alg`. */
export function keyLogin(productId: string, deviceName: string, psk: string, algorithm: 'hmacsha1' | 'hmacsha256' = 'hmacsha256', expiry = Math.floor(Date.now() / 1000) + 600): KeyLogin {
  const clientId = `${productId}${deviceName}`;
  const connId = randomBytes(8).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 5);
  const username = `${clientId};21010406;${connId};${expiry}`;
  const mac = createHmac(algorithm === 'hmacsha256' ? 'sha256' : 'sha1', Buffer.from(psk, 'base64')).update(username).digest('hex');
  return { clientId, username, password: `${mac};${algorithm}` };
}

export type ConnectOutcome = { ok: true; client: MqttClient } | { ok: false; returnCode: number | undefined; closed: boolean };

/** Connects once (no reconnect) and reports the CONNACK outcome. */
export function mqttConnect(url: string, options: IClientOptions): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 20_000, clean: true, keepalive: 120, servername: 'localhost', ...options });
    let settled = false;
    client.once('connect', () => {
      if (settled) return;
      settled = true;
      resolve({ ok: true, client });
    });
    client.on('error', (error: Error & { code?: unknown }) => {
      if (settled) return;
      settled = true;
      client.end(true);
      resolve({ ok: false, returnCode: typeof error.code === 'number' ? error.code : undefined, closed: false });
    });
    client.once('close', () => {
      if (settled) return;
      settled = true;
      client.end(true);
      resolve({ ok: false, returnCode: undefined, closed: true });
    });
  });
}

export function connectKey(cloud: RunningCloud, productId: string, deviceName: string, psk: string, algorithm: 'hmacsha1' | 'hmacsha256' = 'hmacsha256', url = cloud.broker): Promise<ConnectOutcome> {
  const login = keyLogin(productId, deviceName, psk, algorithm);
  return mqttConnect(url, { clientId: login.clientId, username: login.username, password: login.password, ca: cloud.caPem });
}

export function endClient(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.end(true, {}, () => resolve()));
}
