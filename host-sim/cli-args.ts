/**
 * Argument parsing shared by the commands: node:util parseArgs in strict mode, with every parse problem
 * turned into a UsageError (exit 2), and the common flags (-v/--verbose, --log-level, --json).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LogThreshold } from '../hal/hal.js';
import { isLogThreshold, LOG_THRESHOLDS } from '../src/conventions/unions.js';
import { oneLineParseArgsError } from './parse-args-error.js';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = Object.freeze({
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options);

/** parseArgs with no positionals allowed; unknown flags and missing values are usage errors. */
export function parseCommandArgs<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(oneLineParseArgsError(error));
  }
}

/** -v → info, -vv (or more) → debug, --log-level wins; default silent. */
export function logLevelFrom(values: { verbose?: boolean[] | undefined; 'log-level'?: string | undefined }): LogThreshold {
  const explicit = values['log-level'];
  if (explicit !== undefined) {
    if (!isLogThreshold(explicit)) throw new UsageError(`--log-level must be one of ${LOG_THRESHOLDS.join(', ')}`);
    return explicit;
  }
  const count = values.verbose?.length ?? 0;
  return count === 0 ? 'off' : count === 1 ? 'info' : 'debug';
}

/** Takes `--publish TOPIC MESSAGE` (two values, the message may start with "-") out of argv. */
export function extractPublish(argv: string[]): { rest: string[]; publish?: { topic: string; message: string } } {
  const index = argv.indexOf('--publish');
  if (index < 0) return { rest: argv };
  const topic = argv[index + 1];
  const message = argv[index + 2];
  if (topic === undefined || message === undefined) throw new UsageError('--publish takes two values: TOPIC MESSAGE');
  const rest = [...argv.slice(0, index), ...argv.slice(index + 3)];
  if (rest.includes('--publish')) throw new UsageError('--publish may be given once');
  return { rest, publish: { topic, message } };
}

export function requireOne<T extends string>(value: string | undefined, flag: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}
