/**
 * The host's logger: levels, silent by default, and a redaction backstop. Callers never pass secrets; if one
 * slips through anyway, every registered secret and anything shaped like a private key or an MQTT password
 * is masked before the line is written.
 */
import type { LogLevel, LogThreshold } from '../hal.js';
import { LOG_THRESHOLDS, logAdmits } from '../../src/conventions/unions.js';

/** The Logger's level setting: the HAL's LogThreshold (kept under this name for existing importers). */
export type LoggerLevel = LogThreshold;


/** The settings a Logger takes, from silent to most verbose (src/conventions/unions.ts). */
export const LOGGER_LEVELS: readonly LoggerLevel[] = LOG_THRESHOLDS;

/** PEM blocks of private keys (PKCS#1, PKCS#8, EC, encrypted): the whole body goes. */
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/** Tencent MQTT passwords: hex HMAC then ";hmacsha1" / ";hmacsha256". */
const MQTT_PASSWORD = /\b[0-9a-fA-F]{40,64};hmacsha(1|256)\b/g;
/** Shortest string treated as a secret: shorter ones would mask ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** Masks every known secret and secret-shaped text in `text`. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text.replace(PEM_PRIVATE_KEY, '-----BEGIN $1PRIVATE KEY-----[redacted]-----END $1PRIVATE KEY-----');
  out = out.replace(MQTT_PASSWORD, '[redacted];hmacsha$1');
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('[redacted]');
  }
  return out;
}

export interface LoggerOptions {
  /** Most verbose level written; 'off' (the default) writes nothing. */
  level?: LoggerLevel;
  /** Where a finished line goes (default: process.stderr). */
  write?: (line: string) => void;
}

export class Logger {
  #level: LoggerLevel;
  readonly #write: (line: string) => void;
  readonly #secrets = new Set<string>();

  constructor(options: LoggerOptions = {}) {
    this.#level = options.level ?? 'off';
    this.#write = options.write ?? ((line) => { process.stderr.write(line); });
  }

  get level(): LoggerLevel {
    return this.#level;
  }

  set level(level: LoggerLevel) {
    this.#level = level;
  }

  /** Registers a value that must never appear in a log line (product secret, device secret, key PEM …). */
  addSecret(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH) this.#secrets.add(secret);
  }

  /** True when a line of `level` would be written (to skip building expensive messages). */
  enabled(level: LogLevel): boolean {
    return logAdmits(this.#level, level);
  }

  /** Writes one line. Never throws: a logger that breaks the caller is worse than a lost line. */
  log(level: LogLevel, message: string): void {
    try {
      if (!this.enabled(level)) return;
      const clean = redactSecrets(String(message), this.#secrets).replace(/[\r\n]+/g, ' ');
      this.#write(`${new Date().toISOString()} ${level.padEnd(5)} ${clean}\n`);
    } catch {
      // Swallowed on purpose (see above).
    }
  }
}
