/**
 * `GET /api/events/stream`: the event log live, as Server-Sent Events (the browser's EventSource
 * reconnects by itself and sends `Last-Event-ID`, so a reconnecting page misses nothing still in the log).
 * Each event is `id: <n>`, `event: cloud-event`, `data: <the event as JSON>`; a comment line every 15 s
 * keeps proxies and idle timers from closing the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMMON_HEADERS } from './http-io.js';
import type { CloudEvent, EventLog } from './events.js';

/** At most this many streams at once (each holds a socket); more are answered 503. */
export const MAX_EVENT_STREAMS = 32;
const HEARTBEAT_MS = 15_000;

function frame(event: CloudEvent): string {
  // JSON.stringify never emits a raw newline, so one `data:` line holds the whole event.
  return `id: ${event.id}\nevent: cloud-event\ndata: ${JSON.stringify(event)}\n\n`;
}

export class EventStreams {
  readonly #log: EventLog;
  readonly #open = new Set<ServerResponse>();

  constructor(log: EventLog) {
    this.#log = log;
  }

  get full(): boolean {
    return this.#open.size >= MAX_EVENT_STREAMS;
  }

  /** Starts a stream that first replays the events after `after`, then follows new ones. */
  open(req: IncomingMessage, res: ServerResponse, after: number): void {
    res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write(`retry: 2000\n\n`);
    for (const event of this.#log.since(after)) res.write(frame(event));
    const unsubscribe = this.#log.subscribe((event) => {
      res.write(frame(event));
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    this.#open.add(res);
    const stop = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      this.#open.delete(res);
    };
    req.socket.once('close', stop);
    res.once('close', stop);
  }

  /** Ends every stream (the cloud is closing). */
  closeAll(): void {
    for (const res of this.#open) res.end();
    this.#open.clear();
  }
}
