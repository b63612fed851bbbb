/**
 * The Node HAL (hal/hal.ts for Node 20): TLS through node:tls with the pinned Tencent roots (or a
 * configured CA), the C SDK's device-info file as storage, the system clock, node:crypto randomness,
 * timers, and a logger that is silent by default and masks secrets.
 */
import { randomBytes } from 'node:crypto';
import { clockIsPlausible, sleepDelayMs } from '../../src/conventions/clock.js';
import { IotError } from '../../src/errors.js';
import type { ByteStream, ConnectOptions, CredentialStorage, Hal, LogLevel } from '../hal.js';
import { DeviceInfoFileStorage } from './device-info-storage.js';
import { Logger } from './logger.js';
import { connectTls } from './tls-byte-stream.js';
import { nodeCrypto } from './node-crypto.js';

export { DeviceInfoFileStorage } from './device-info-storage.js';
export { Logger, LOGGER_LEVELS, redactSecrets } from './logger.js';
export type { LoggerLevel, LoggerOptions } from './logger.js';
export { iotErrorFromNode } from './node-errors.js';
export { caPemFor, DIGICERT_GLOBAL_ROOT_CA_PEM, TENCENT_IOTHUB_ROOT_PEM } from './trust-anchors.js';
export { connectTls } from './tls-byte-stream.js';
export { writeFileAtomic } from './atomic-file.js';

export interface NodeHalOptions {
  /** The device-info JSON file, or any other CredentialStorage (e.g. an in-memory one for tests). */
  storage: string | CredentialStorage;
  /** A PEM CA that replaces the pinned Tencent roots (e.g. the local cloud's CA). */
  caPem?: string;
  /** Where log lines go; default: a silent Logger. */
  logger?: Logger;
  /** The clock, Unix seconds; default: the system clock. Tests inject an unset clock through it. */
  now?: () => number;
}

export interface NodeHal extends Hal {
  readonly logger: Logger;
  /** The configured CA (PEM), when one replaces the pinned roots; MQTT uses the same choice. */
  readonly caPem: string | undefined;
}

export function createNodeHal(options: NodeHalOptions): NodeHal {
  const storage = typeof options.storage === 'string' ? new DeviceInfoFileStorage(options.storage) : options.storage;
  const logger = options.logger ?? new Logger();
  const caPem = options.caPem;
  const now = options.now ?? ((): number => Math.floor(Date.now() / 1000));
  return {
    storage,
    crypto: nodeCrypto,
    logger,
    caPem,
    connect(connectOptions: ConnectOptions): Promise<ByteStream> {
      // Certificate dates cannot be checked on a clock that is not set; the contract says so before any I/O.
      const seconds = now();
      if (!clockIsPlausible(seconds)) return Promise.reject(new IotError('clock', `the clock is not set (it reads ${seconds} s), so certificates cannot be date-checked`));
      logger.log('debug', `TLS connect ${connectOptions.host}:${connectOptions.port} (server name ${connectOptions.serverName}, trust ${caPem === undefined ? connectOptions.trust : 'configured CA'})`);
      return connectTls(connectOptions, caPem);
    },
    now,
    random(length: number): Uint8Array {
      return new Uint8Array(randomBytes(length));
    },
    sleep(ms: number): Promise<void> {
      const wait = sleepDelayMs(ms);
      return new Promise((resolve) => { setTimeout(resolve, wait); });
    },
    log(level: LogLevel, message: string): void {
      logger.log(level, message);
    },
  };
}
