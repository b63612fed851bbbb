/**
 * The `tc-iot-device cloud` flags that change a connection limit (connection-limits.ts), in the units a
 * user thinks in: bytes, seconds, counts.
 */
import type { CloudLimits } from './connection-limits.js';

export const LIMIT_FLAGS = Object.freeze({
  '--max-packet-bytes': { key: 'maxPacketBytes', unit: 'bytes', min: 64, max: 268_435_460 },
  '--login-timeout': { key: 'loginTimeoutMs', unit: 'seconds', min: 1, max: 3_600 },
  '--request-timeout': { key: 'requestTimeoutMs', unit: 'seconds', min: 1, max: 3_600 },
  '--max-connections': { key: 'maxConnections', unit: 'count', min: 1, max: 1_000_000 },
  '--max-connections-per-address': { key: 'maxConnectionsPerAddress', unit: 'count', min: 1, max: 1_000_000 },
} as const satisfies Record<string, { key: keyof CloudLimits; unit: 'bytes' | 'seconds' | 'count'; min: number; max: number }>);

export type LimitFlag = keyof typeof LIMIT_FLAGS;

/** `--flag value` as a partial CloudLimits; a bad value throws what `usageError` makes. */
export function limitValue(flag: LimitFlag, text: string, usageError: (message: string) => Error): Partial<CloudLimits> {
  const spec = LIMIT_FLAGS[flag];
  const value = /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(value >= spec.min && value <= spec.max)) {
    throw usageError(`${flag} must be a whole number of ${spec.unit === 'count' ? 'connections' : spec.unit} from ${spec.min} to ${spec.max}`);
  }
  return { [spec.key]: spec.unit === 'seconds' ? value * 1000 : value };
}
