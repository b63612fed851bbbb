/** Pieces the register and connect commands share: reading --ca, building registration options. */
import { FILE_CAPS, readFailureReason, readRegularFile } from '../../hal/node/regular-file.js';
import { IotError } from '../../src/errors.js';
import type { ProvisionOptions } from '../../src/runner/provision.js';
import { HMAC_ALGORITHMS, REGISTER_APIS, type RegisterApi } from '../../src/conventions/unions.js';
import { parseGatewayUrl } from '../endpoint-url.js';
import { requireOne } from '../cli-args.js';
import { UsageError } from '../usage-error.js';

/** Reads a PEM CA file given with --ca; a missing or non-PEM file is bad input (exit 3). */
export async function readCaFile(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readRegularFile(path, FILE_CAPS.caBundle);
  } catch (error) {
    throw new IotError('bad-input', `cannot read the CA file ${path} (${readFailureReason(error)})`, { cause: error });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new IotError('bad-input', `the CA file ${path} holds no PEM certificate`);
  return text;
}

export const REGISTER_OPTIONS = Object.freeze({
  config: { type: 'string', short: 'c' },
  api: { type: 'string' },
  algorithm: { type: 'string' },
  gateway: { type: 'string' },
  ca: { type: 'string' },
  force: { type: 'boolean' },
  'max-attempts': { type: 'string' },
} as const);

/** The runner's options from the command line (--api, --algorithm, --gateway, --force). */
export function provisionOptionsFrom(values: { api?: string | undefined; algorithm?: string | undefined; gateway?: string | undefined; force?: boolean | undefined; 'max-attempts'?: string | undefined }): ProvisionOptions & { api: RegisterApi } {
  const api = requireOne(values.api, '--api', REGISTER_APIS, 'v1');
  const algorithm = requireOne(values.algorithm, '--algorithm', HMAC_ALGORITHMS, 'hmacsha256');
  const options: ProvisionOptions & { api: RegisterApi } = { api, algorithm, force: values.force === true };
  const attempts = values['max-attempts'];
  if (attempts !== undefined) {
    if (!/^[0-9]+$/.test(attempts) || Number(attempts) < 1 || Number(attempts) > 20) throw new UsageError(`--max-attempts must be a whole number from 1 to 20 (got "${attempts}")`);
    options.maxAttempts = Number(attempts);
  }
  if (values.gateway !== undefined) options.gateway = parseGatewayUrl(values.gateway);
  return options;
}
