/**
 * The cloud's recent events, as the console shows them: registrations, refusals with their codes, MQTT
 * logins (and refused ones), publishes, disconnections and the console's own actions. The gateway and the
 * broker report here as well as to their log lines; nothing here ever holds a secret (callers pass names,
 * codes and public facts only, and a publish's payload is the device's own message).
 *
 * Bounded on purpose: a cloud that runs for days under a fleet must not grow without limit.
 */

/** How many events are kept for `GET /api/events` and for an event stream that resumes. */
export const EVENT_LOG_LIMIT = 2000;
/** How many messages are kept per device for its "last messages" view. */
export const MESSAGES_PER_DEVICE = 50;
/** How many devices' messages are kept at all (the oldest-written device is forgotten first). */
export const MESSAGE_DEVICES_LIMIT = 10_000;
/** A publish's payload is kept up to this many bytes. */
export const PAYLOAD_PREVIEW_BYTES = 1024;

export type Api = 'v1' | 'v2';

export type CloudEventBody =
  | { kind: 'registered'; api: Api; productId: string; deviceName: string; existed: boolean }
  | { kind: 'registration-refused'; api: Api; code: number | string; reason: string; message: string; productId?: string; deviceName?: string; path?: string }
  | { kind: 'login'; clientId: string; productId: string; deviceName: string; credential: 'key' | 'certificate'; transport: 'TLS' | 'TLS-PSK' | 'plain'; activated: boolean }
  | { kind: 'login-refused'; clientId: string; returnCode: number; message: string }
  | { kind: 'publish'; productId: string; deviceName: string; topic: string; qos: number; bytes: number; payload: string; payloadEncoding: 'utf8' | 'base64'; truncated: boolean }
  | { kind: 'disconnected'; clientId: string }
  | { kind: 'console'; action: ConsoleAction; productId: string; deviceName?: string; detail?: string }
  | { kind: 'console-refused'; status: number; message: string; method: string; path: string; remote: string };

export type ConsoleAction = 'product-created' | 'product-changed' | 'devices-added' | 'device-reset' | 'device-deleted' | 'product-secret-read';

/** An event as stored and served: the body plus a sequence number (1, 2, …) and an ISO time. */
export type CloudEvent = CloudEventBody & { id: number; at: string };
export type PublishEvent = Extract<CloudEvent, { kind: 'publish' }>;

/** What the gateway and the broker need: somewhere to report. */
export interface EventSink {
  emit(event: CloudEventBody): void;
}

function deviceKey(productId: string, deviceName: string): string {
  return `${productId}/${deviceName}`;
}

/** The payload as text when it is UTF-8, else Base64; cut to PAYLOAD_PREVIEW_BYTES. */
export function payloadPreview(payload: Uint8Array): { payload: string; payloadEncoding: 'utf8' | 'base64'; truncated: boolean } {
  const truncated = payload.length > PAYLOAD_PREVIEW_BYTES;
  const kept = truncated ? payload.subarray(0, PAYLOAD_PREVIEW_BYTES) : payload;
  try {
    // `stream: truncated` lets a cut in the middle of a multi-byte character pass as UTF-8.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(kept, { stream: truncated });
    return { payload: text, payloadEncoding: 'utf8', truncated };
  } catch {
    return { payload: Buffer.from(kept).toString('base64'), payloadEncoding: 'base64', truncated };
  }
}

export class EventLog implements EventSink {
  readonly #events: CloudEvent[] = [];
  readonly #messages = new Map<string, PublishEvent[]>();
  readonly #listeners = new Set<(event: CloudEvent) => void>();
  readonly #now: () => number;
  #lastId = 0;

  /** `now`: milliseconds since the epoch. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  emit(body: CloudEventBody): void {
    const event = { ...body, id: ++this.#lastId, at: new Date(this.#now()).toISOString() } as CloudEvent;
    this.#events.push(event);
    if (this.#events.length > EVENT_LOG_LIMIT) this.#events.splice(0, this.#events.length - EVENT_LOG_LIMIT);
    if (event.kind === 'publish') this.#rememberMessage(event);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        /* a listener's failure (a closed stream) must not stop the cloud */
      }
    }
  }

  #rememberMessage(event: PublishEvent): void {
    const key = deviceKey(event.productId, event.deviceName);
    const list = this.#messages.get(key) ?? [];
    // Re-inserting moves the device to the end, so the map's first key is the device written longest ago.
    this.#messages.delete(key);
    list.push(event);
    if (list.length > MESSAGES_PER_DEVICE) list.splice(0, list.length - MESSAGES_PER_DEVICE);
    this.#messages.set(key, list);
    if (this.#messages.size > MESSAGE_DEVICES_LIMIT) {
      const oldest = this.#messages.keys().next().value;
      if (oldest !== undefined) this.#messages.delete(oldest);
    }
  }

  /** Events with an id above `after`, oldest first, at most `limit` (the newest ones when cut). */
  since(after = 0, limit = EVENT_LOG_LIMIT): CloudEvent[] {
    const newer = this.#events.filter((event) => event.id > after);
    return newer.slice(Math.max(0, newer.length - limit));
  }

  get lastId(): number {
    return this.#lastId;
  }

  /** The device's last messages, oldest first. */
  messages(productId: string, deviceName: string): PublishEvent[] {
    return [...(this.#messages.get(deviceKey(productId, deviceName)) ?? [])];
  }

  /** Forgets a deleted device's messages. */
  forgetDevice(productId: string, deviceName: string): void {
    this.#messages.delete(deviceKey(productId, deviceName));
  }

  /** Calls `listener` for every new event until the returned function is called. */
  subscribe(listener: (event: CloudEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
