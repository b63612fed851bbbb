/**
 * The console's REST API (documented in static/openapi.json, served at /api/openapi.json): products and
 * devices with their state, the changes Tencent's console offers, the event log. One table of routes;
 * `auth: true` routes need the console token (access.ts). No route returns a device secret, a private key
 * or a certificate fingerprint; the product secret only from its own route, with the token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { DEVICE_NAME_PATTERN, ProductsFileError, type AuthMode } from '../products.js';
import type { Registry } from '../registry.js';
import { validProduct } from '../product-settings.js';
import type { EventLog } from './events.js';
import type { EventStreams } from './event-stream.js';
import { ApiError, onlyFields, optionalBoolean, readJsonObject, sendJson } from './http-io.js';
import { deviceView, productView, type DeviceView } from './views.js';

/** The broker as the console uses it. */
export interface ConsoleBroker {
  isOnline(productId: string, deviceName: string): boolean;
  disconnectDevice(productId: string, deviceName: string): boolean;
}

export interface ApiDeps {
  registry: Registry;
  broker: ConsoleBroker;
  events: EventLog;
  streams: EventStreams;
  log: (line: string) => void;
  openApiJson: () => Promise<string>;
}

/** At most this many names per pre-creation request. */
export const MAX_NAMES_PER_REQUEST = 1000;

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Context {
  deps: ApiDeps;
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** What a handler answers; 'streamed' = it wrote the response itself. */
type Answer = { status: number; body: unknown; headers?: Record<string, string> } | 'streamed';

export interface Route {
  method: Method;
  /** `/api/products/{productId}`: a `{name}` segment matches one path segment. */
  pattern: string;
  auth: boolean;
  handle(ctx: Context): Promise<Answer>;
}

const ok = (body: unknown, status = 200): Answer => ({ status, body });

function allDeviceViews(deps: ApiDeps): DeviceView[] {
  return deps.registry.devices().map((entry) => deviceView(entry, deps.broker.isOnline(entry.productId, entry.deviceName)));
}

function productOr404(deps: ApiDeps, productId: string) {
  const product = deps.registry.product(productId);
  if (!product) throw new ApiError(404, 'not-found', `no product ${productId}`);
  return product;
}

function deviceOr404(deps: ApiDeps, productId: string, deviceName: string) {
  productOr404(deps, productId);
  const entry = deps.registry.device(productId, deviceName);
  if (!entry) throw new ApiError(404, 'not-found', `no device ${deviceName} in product ${productId}`);
  return entry;
}

function viewOfProduct(deps: ApiDeps, productId: string) {
  return productView(productOr404(deps, productId), deps.registry, allDeviceViews(deps).filter((device) => device.productId === productId));
}

function viewOfDevice(deps: ApiDeps, productId: string, deviceName: string): DeviceView {
  return deviceView(deviceOr404(deps, productId, deviceName), deps.broker.isOnline(productId, deviceName));
}

function deviceNames(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_NAMES_PER_REQUEST) {
    throw new ApiError(400, 'bad-request', `deviceNames must be an array of 1 to ${MAX_NAMES_PER_REQUEST} device names`);
  }
  const seen = new Set<string>();
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !DEVICE_NAME_PATTERN.test(name)) throw new ApiError(400, 'bad-request', `deviceNames[${i}] must match [A-Za-z0-9:_-]{1,48}`);
    if (seen.has(name)) throw new ApiError(400, 'bad-request', `deviceNames[${i}] repeats an earlier name`);
    seen.add(name);
  });
  return [...seen];
}

function registerLimitOf(body: Record<string, unknown>): number | null | undefined {
  const value = body.registerLimit;
  if (value === undefined || value === null) return value as null | undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ApiError(400, 'bad-request', 'registerLimit must be a non-negative integer or null (unlimited)');
  return value;
}

function randomText(alphabet: string, length: number): string {
  // Rejection sampling: no bias toward the first letters.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length)) if (byte < 256 - (256 % alphabet.length) && out.length < length) out += alphabet[byte % alphabet.length];
  }
  return out;
}

/** Runs a registry change; a failed save is a 500 with no detail beyond "could not be saved". */
async function saved<T>(change: Promise<T>): Promise<T> {
  try {
    return await change;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(500, 'internal', 'the change could not be saved to the state file (nothing was changed)');
  }
}

async function createProduct(ctx: Context): Promise<Answer> {
  const { deps } = ctx;
  const body = await readJsonObject(ctx.req);
  onlyFields(body, ['productId', 'productSecret', 'authMode', 'dynamicRegistration', 'autoCreateDevices', 'registerLimit', 'deviceNames']);
  const settings = { dynamicRegistration: optionalBoolean(body, 'dynamicRegistration') ?? true, autoCreateDevices: optionalBoolean(body, 'autoCreateDevices') ?? true };
  const registerLimit = registerLimitOf(body);
  const names = body.deviceNames === undefined ? [] : deviceNames(body.deviceNames);
  const productId = body.productId ?? randomText('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10);
  let product;
  try {
    product = validProduct({
      productId,
      productSecret: body.productSecret ?? randomText('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 24),
      authMode: (body.authMode ?? 'KEY') as AuthMode,
      dynamicRegistration: 'auto',
      ...(registerLimit === undefined || registerLimit === null ? {} : { registerLimit }),
      devices: names,
    });
  } catch (error) {
    if (!(error instanceof ProductsFileError)) throw error;
    // The parser names the field as in a products file (`products[0].authMode`): name it as in the request.
    throw new ApiError(400, 'bad-request', error.message.replace(/^products file: products\[0\]\./, ''));
  }
  if (deps.registry.product(product.productId)) throw new ApiError(409, 'conflict', `product ${product.productId} already exists`);
  await saved(deps.registry.createProduct(product, settings));
  deps.log(`console: product ${product.productId} created (${product.authMode}, ${names.length} pre-created name(s))`);
  deps.events.emit({ kind: 'console', action: 'product-created', productId: product.productId, detail: `${product.authMode}, registration ${product.dynamicRegistration}` });
  return ok(viewOfProduct(deps, product.productId), 201);
}

async function changeProduct(ctx: Context): Promise<Answer> {
  const { deps, params } = ctx;
  productOr404(deps, params.productId!);
  const body = await readJsonObject(ctx.req);
  onlyFields(body, ['dynamicRegistration', 'autoCreateDevices', 'registerLimit']);
  const change = {
    ...(body.dynamicRegistration === undefined ? {} : { dynamicRegistration: optionalBoolean(body, 'dynamicRegistration')! }),
    ...(body.autoCreateDevices === undefined ? {} : { autoCreateDevices: optionalBoolean(body, 'autoCreateDevices')! }),
    ...(body.registerLimit === undefined ? {} : { registerLimit: registerLimitOf(body)! }),
  };
  if (Object.keys(change).length === 0) throw new ApiError(400, 'bad-request', 'give at least one of dynamicRegistration, autoCreateDevices, registerLimit');
  const product = await saved(deps.registry.changeProduct(params.productId!, change));
  const limit = product.registerLimit === undefined ? 'unlimited' : String(product.registerLimit);
  deps.log(`console: product ${product.productId}: dynamic registration ${product.dynamicRegistration}, limit ${limit}`);
  deps.events.emit({ kind: 'console', action: 'product-changed', productId: product.productId, detail: `registration ${product.dynamicRegistration}, limit ${limit}` });
  return ok(viewOfProduct(deps, product.productId));
}

async function addDevices(ctx: Context): Promise<Answer> {
  const { deps, params } = ctx;
  const productId = params.productId!;
  productOr404(deps, productId);
  const body = await readJsonObject(ctx.req);
  onlyFields(body, ['deviceNames']);
  const names = deviceNames(body.deviceNames);
  const existing = await saved(deps.registry.addDevices(productId, names));
  if (existing.length > 0) throw new ApiError(409, 'conflict', `device(s) already exist: ${existing.slice(0, 10).join(', ')}${existing.length > 10 ? ', …' : ''}`);
  deps.log(`console: ${names.length} device name(s) pre-created in ${productId}`);
  deps.events.emit({ kind: 'console', action: 'devices-added', productId, detail: names.length === 1 ? names[0]! : `${names.length} names` });
  return ok({ devices: names.map((name) => viewOfDevice(deps, productId, name)) }, 201);
}

async function resetDevice(ctx: Context): Promise<Answer> {
  const { deps, params } = ctx;
  const { productId, deviceName } = params as { productId: string; deviceName: string };
  deviceOr404(deps, productId, deviceName);
  // The registry first: from here on the old credential is refused, then the open session is closed.
  await saved(deps.registry.resetDevice(productId, deviceName));
  const closed = deps.broker.disconnectDevice(productId, deviceName);
  deps.log(`console: device ${productId}/${deviceName} reset (credential revoked${closed ? ', session closed' : ''})`);
  deps.events.emit({ kind: 'console', action: 'device-reset', productId, deviceName, detail: closed ? 'credential revoked, session closed' : 'credential revoked' });
  return ok(viewOfDevice(deps, productId, deviceName));
}

async function deleteDevice(ctx: Context): Promise<Answer> {
  const { deps, params } = ctx;
  const { productId, deviceName } = params as { productId: string; deviceName: string };
  deviceOr404(deps, productId, deviceName);
  await saved(deps.registry.deleteDevice(productId, deviceName));
  const closed = deps.broker.disconnectDevice(productId, deviceName);
  deps.events.forgetDevice(productId, deviceName);
  deps.log(`console: device ${productId}/${deviceName} deleted${closed ? ' (session closed)' : ''}`);
  deps.events.emit({ kind: 'console', action: 'device-deleted', productId, deviceName });
  return ok(null, 204);
}

function integerQuery(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const text = query.get(name);
  if (text === null) return fallback;
  if (!/^[0-9]{1,15}$/.test(text) || Number(text) > max) throw new ApiError(400, 'bad-request', `query ${name} must be an integer 0..${max}`);
  return Number(text);
}

export const ROUTES: readonly Route[] = Object.freeze([
  { method: 'GET', pattern: '/api/openapi.json', auth: false, handle: async ({ deps }) => ({ status: 200, body: JSON.parse(await deps.openApiJson()) }) },
  { method: 'GET', pattern: '/api/products', auth: false, handle: async ({ deps }) => ok({ products: deps.registry.products().map((p) => viewOfProduct(deps, p.productId)) }) },
  { method: 'POST', pattern: '/api/products', auth: true, handle: createProduct },
  { method: 'GET', pattern: '/api/products/{productId}', auth: false, handle: async ({ deps, params }) => ok(viewOfProduct(deps, params.productId!)) },
  { method: 'PATCH', pattern: '/api/products/{productId}', auth: true, handle: changeProduct },
  {
    method: 'GET', pattern: '/api/products/{productId}/secret', auth: true,
    handle: async ({ deps, params }) => {
      const product = productOr404(deps, params.productId!);
      deps.log(`console: product secret of ${product.productId} read`);
      deps.events.emit({ kind: 'console', action: 'product-secret-read', productId: product.productId });
      return ok({ productId: product.productId, productSecret: product.productSecret });
    },
  },
  {
    method: 'GET', pattern: '/api/products/{productId}/devices', auth: false,
    handle: async ({ deps, params }) => {
      const product = productOr404(deps, params.productId!);
      return ok({ devices: allDeviceViews(deps).filter((device) => device.productId === product.productId) });
    },
  },
  { method: 'POST', pattern: '/api/products/{productId}/devices', auth: true, handle: addDevices },
  { method: 'GET', pattern: '/api/products/{productId}/devices/{deviceName}', auth: false, handle: async ({ deps, params }) => ok(viewOfDevice(deps, params.productId!, params.deviceName!)) },
  { method: 'DELETE', pattern: '/api/products/{productId}/devices/{deviceName}', auth: true, handle: deleteDevice },
  { method: 'POST', pattern: '/api/products/{productId}/devices/{deviceName}/reset', auth: true, handle: resetDevice },
  {
    method: 'GET', pattern: '/api/products/{productId}/devices/{deviceName}/messages', auth: false,
    handle: async ({ deps, params }) => {
      const { productId, deviceName } = params as { productId: string; deviceName: string };
      deviceOr404(deps, productId, deviceName);
      return ok({ productId, deviceName, messages: deps.events.messages(productId, deviceName) });
    },
  },
  { method: 'GET', pattern: '/api/devices', auth: false, handle: async ({ deps }) => ok({ devices: allDeviceViews(deps) }) },
  {
    method: 'GET', pattern: '/api/events', auth: false,
    handle: async ({ deps, query }) => {
      const after = integerQuery(query, 'after', 0, Number.MAX_SAFE_INTEGER);
      const limit = integerQuery(query, 'limit', 200, 2000);
      return ok({ events: deps.events.since(after, limit), lastId: deps.events.lastId });
    },
  },
  {
    method: 'GET', pattern: '/api/events/stream', auth: false,
    handle: async ({ deps, req, res, query }) => {
      if (deps.streams.full) throw new ApiError(503, 'unavailable', 'too many event streams are open');
      const lastEventId = req.headers['last-event-id'];
      const after = typeof lastEventId === 'string' && /^[0-9]{1,15}$/.test(lastEventId) ? Number(lastEventId) : integerQuery(query, 'after', deps.events.lastId, Number.MAX_SAFE_INTEGER);
      deps.streams.open(req, res, after);
      return 'streamed';
    },
  },
] satisfies Route[]);

/** The route for a path, with its `{…}` parameters decoded; 'wrong-method' when only the method differs. */
export function matchRoute(method: string, pathname: string): { route: Route; params: Record<string, string> } | { allow: Method[] } | undefined {
  let segments: string[];
  try {
    segments = pathname.split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const allow: Method[] = [];
  for (const route of ROUTES) {
    const parts = route.pattern.split('/');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = segments[i]!;
        return segments[i]!.length > 0;
      }
      return part === segments[i];
    });
    if (!matches) continue;
    if (route.method === method) return { route, params };
    allow.push(route.method);
  }
  return allow.length > 0 ? { allow } : undefined;
}

/** Runs a matched route and writes its answer (errors are thrown to the server, which answers them). */
export async function runRoute(route: Route, ctx: Context): Promise<void> {
  const answer = await route.handle(ctx);
  if (answer === 'streamed') return;
  sendJson(ctx.res, answer.status, answer.body, answer.headers);
}

export type { Context as RouteContext };
