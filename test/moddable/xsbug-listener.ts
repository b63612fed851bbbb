/**
 * A minimal xsbug: the TCP end a debug build of a Moddable app connects to (mcsim honours XSBUG_PORT), so the
 * app's `trace` lines and its instrument samples (heap, slots, stack …) reach the test without the debugger's
 * window. It speaks only what that needs of the xsbug protocol (Moddable SDK tools/xsbug-log does the same
 * with a full debugger): on login it sets no breakpoints, which lets the machine run; a break (an exception the
 * engine reports, or a `debugger` statement) is recorded and answered with go.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface InstrumentSample {
  /** Milliseconds since the listener started. */
  at: number;
  values: Record<string, number>;
}

export interface XsbugBreak {
  path: string | undefined;
  line: string | undefined;
  message: string;
}

const ENTITIES: Readonly<Record<string, string>> = Object.freeze({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" });

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decodeEntities(match[1]!) : undefined;
}

interface Waiter {
  pattern: RegExp;
  resolve: (line: string) => void;
}

export class XsbugListener {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #started = Date.now();
  readonly #waiters = new Set<Waiter>();
  /** Every complete trace line, without its newline, in order. */
  readonly lines: string[] = [];
  readonly breaks: XsbugBreak[] = [];
  readonly samples: InstrumentSample[] = [];
  /** The app's name as it logged in (its manifest folder), once connected. */
  machine: string | undefined;
  port = 0;

  private constructor() {
    this.#server = createServer((socket) => this.#accept(socket));
  }

  static async start(): Promise<XsbugListener> {
    const listener = new XsbugListener();
    await new Promise<void>((resolveListen, reject) => {
      listener.#server.once('error', reject);
      listener.#server.listen(0, '127.0.0.1', () => resolveListen());
    });
    const address = listener.#server.address();
    listener.port = typeof address === 'object' && address ? address.port : 0;
    return listener;
  }

  /** Resolves with the first trace line (seen or to come) that matches. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    const seen = this.lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolveWait, reject) => {
      const waiter: Waiter = {
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolveWait(line);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no trace line matching ${pattern} within ${timeoutMs} ms; the device said:\n${this.lines.slice(-25).join('\n')}`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  matching(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line));
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolveClose) => this.#server.close(() => resolveClose()));
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.setEncoding('utf8');
    let buffer = '';
    let pending = '';
    let instruments: string[] = [];
    socket.on('data', (text: string) => {
      buffer += text;
      for (;;) {
        const end = buffer.indexOf('</xsbug>');
        if (end < 0) break;
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + '</xsbug>'.length);
        const login = /<login\b[^>]*>/.exec(message);
        if (login) {
          this.machine = attribute(login[0], 'name');
          socket.write('\r\n<set-all-breakpoints></set-all-breakpoints>\r\n');
        }
        const described = /<instruments>([\s\S]*?)<\/instruments>/.exec(message);
        if (described) instruments = [...described[1]!.matchAll(/<instrument\b[^>]*>/g)].map((tag) => attribute(tag[0], 'name') ?? '?');
        for (const sample of message.matchAll(/<samples>([^<]*)<\/samples>/g)) {
          const numbers = sample[1]!.split(',').map(Number);
          const values: Record<string, number> = {};
          numbers.forEach((value, index) => {
            values[instruments[index] ?? `#${index}`] = value;
          });
          this.samples.push({ at: Date.now() - this.#started, values });
        }
        for (const log of message.matchAll(/<log\b[^>]*>([\s\S]*?)<\/log>/g)) {
          pending += decodeEntities(log[1]!);
          let newline: number;
          while ((newline = pending.indexOf('\n')) >= 0) {
            this.#line(pending.slice(0, newline));
            pending = pending.slice(newline + 1);
          }
        }
        const broke = /<break\b([^>]*)>([\s\S]*?)<\/break>/.exec(message);
        if (broke) {
          this.breaks.push({ path: attribute(broke[0], 'path'), line: attribute(broke[0], 'line'), message: decodeEntities(broke[2]!) });
          socket.write('\r\n<go/>\r\n');
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.#sockets.delete(socket));
  }

  #line(line: string): void {
    this.lines.push(line);
    if (process.env.DEVICE_TRACE) process.stderr.write(`  [mcsim] ${line}\n`);
    for (const waiter of [...this.#waiters]) if (waiter.pattern.test(line)) waiter.resolve(line);
  }
}
