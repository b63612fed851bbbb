/**
 * One log line for every refused MQTT login, whatever layer refused it: the broker's login rules (broker.ts
 * says why, at the moment it decides) and aedes' own checks before them — identifier rejected (a client id
 * too long for MQTT 3.1), unacceptable protocol version, keep-alive limit — which no hook of ours sees; those
 * are caught when their CONNACK is written (aedes' `connackSent` event, which fires for every CONNACK).
 *
 * The line is `mqtt login <client id>: refused (CONNACK <code>: <reason>)`. It never holds a user name or
 * password (the user name holds nothing secret, but the password does, and neither is needed to say why);
 * a client id that is not plain printable ASCII, or is very long, is quoted and cut.
 */
import type { Aedes, Client, ConnackPacket, ConnectPacket } from 'aedes';

/** MQTT 3.1.1 §3.2.2.3 (codes 1–5) and aedes' keep-alive limit (6). */
const CONNACK_MEANINGS: Readonly<Record<number, string>> = Object.freeze({
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
  6: 'keep alive limit exceeded',
});

const SHOWN_ID_CHARS = 80;

/** The client id as a log line may show it. */
export function displayClientId(clientId: string | undefined): string {
  if (clientId === undefined || clientId === '') return '(no client id)';
  if (/^[\x21-\x7e]*$/.test(clientId) && clientId.length <= SHOWN_ID_CHARS) return clientId;
  const shown = JSON.stringify(clientId.slice(0, SHOWN_ID_CHARS));
  return clientId.length > SHOWN_ID_CHARS ? `${shown}… (${clientId.length} characters)` : shown;
}

export class ConnackLog {
  readonly #log: (line: string) => void;
  readonly #maxClientIdLength: number;
  readonly #connects = new WeakMap<Client, ConnectPacket>();
  readonly #logged = new WeakSet<Client>();

  /** `maxClientIdLength`: the longest client id the broker accepts, to explain an identifier rejection. */
  constructor(aedes: Aedes, log: (line: string) => void, maxClientIdLength: number) {
    this.#log = log;
    this.#maxClientIdLength = maxClientIdLength;
    aedes.on('connackSent', (packet: ConnackPacket, client: Client) => this.#onConnack(packet, client));
  }

  /** Called from aedes' preConnect with every CONNECT, so that a refusal made before aedes names the client can. */
  rememberConnect(client: Client, packet: ConnectPacket): void {
    this.#connects.set(client, packet);
  }

  /** Logs a refusal the broker decided (before its CONNACK is written, so the line is there when the client sees it). */
  refused(client: Client, returnCode: number, reason: string): void {
    this.#logged.add(client);
    this.#log(`mqtt login ${displayClientId(this.#connects.get(client)?.clientId ?? client.id ?? undefined)}: refused (CONNACK ${returnCode}: ${reason})`);
  }

  #onConnack(packet: ConnackPacket, client: Client): void {
    const connect = this.#connects.get(client);
    this.#connects.delete(client);
    if (!packet.returnCode || this.#logged.has(client)) return;
    this.#log(`mqtt login ${displayClientId(connect?.clientId ?? client.id ?? undefined)}: refused (CONNACK ${packet.returnCode}: ${this.#reason(packet.returnCode, connect)})`);
  }

  #reason(returnCode: number, connect: ConnectPacket | undefined): string {
    const meaning = CONNACK_MEANINGS[returnCode] ?? 'refused';
    if (!connect) return meaning;
    const level = connect.protocolVersion;
    const protocol = `MQTT ${level === 3 ? '3.1' : level === 4 ? '3.1.1' : level === 5 ? '5' : `level ${String(level)}`}`;
    if (returnCode === 1) return `${meaning}: ${protocol} (this broker speaks MQTT 3.1 and 3.1.1)`;
    if (returnCode === 2) return `${meaning}: client id of ${(connect.clientId ?? '').length} characters on ${protocol}, longer than ${this.#maxClientIdLength} (product id + device name)`;
    return `${meaning} (${protocol})`;
  }
}
