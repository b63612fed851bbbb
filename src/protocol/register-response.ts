/**
 * The gateway's answer to a registration request, as a verdict the runner can act on (PROTOCOL.md §2, §3).
 *
 * Modelled on Azure's provisioning client (`az_iot_provisioning_client_parse_received_topic_and_payload`):
 * the service's "no" is DATA, not an exception. Parsing returns one of three verdicts — accepted (with the
 * encrypted payload), refused (with the server's own code, message and request id), or unavailable (come back
 * later) — and throws only when the answer itself is malformed (`bad-response`). What to do with a verdict
 * (retry, give up, decrypt) is the runner's business; `registerVerdictError` words a failed one as the
 * `IotError` the runner reports.
 *
 * HTTP status rules (the JSON decides wherever Tencent sent one):
 * - 5xx, 429, 408 → unavailable;
 * - 2xx, and 4xx whose body is a Tencent answer → that answer (accepted, or refused verbatim);
 * - 4xx whose body is not a Tencent answer (not UTF-8, not JSON, wrong shape) → refused with the status only;
 * - any other status, or a 2xx body that is not a Tencent answer → `bad-response`.
 */
import { IotError, isIotError, type IotErrorDetails } from '../errors.js';
import { utf8Decode } from '../encoding/utf8.js';
import { isRegisterApi, type RegisterApi } from '../conventions/unions.js';
import type { RegisterAccepted, RegisterAnswer, RegisterRefused } from './register-answer.js';
import { parseV1RegisterResponse } from './register-v1.js';
import { parseV2RegisterResponse } from './register-v2.js';

export type { RegisterAccepted, RegisterAnswer, RegisterRefused };

/** The gateway cannot take the request now (5xx, 429, 408): worth another attempt after a backoff. */
export interface RegisterUnavailable {
  kind: 'unavailable';
}

/** A whole answer's verdict: the body's answer, or unavailable, always with the HTTP status it came with. */
export type RegisterVerdict = (RegisterAccepted | RegisterRefused | RegisterUnavailable) & { httpStatus: number };

/** True for the statuses that mean "not now" rather than "no": server errors, rate limiting, request time-out. */
export function isUnavailableStatus(httpStatus: number): boolean {
  return httpStatus >= 500 || httpStatus === 429 || httpStatus === 408;
}

/**
 * The whole answer → its verdict (see the file comment for the status rules). Pure: no I/O, no clock, no
 * logging. Throws `bad-response` (carrying `httpStatus`) for an answer that is neither verdict, and `bad-input`
 * for arguments of the wrong type (a caller's bug).
 */
export function parseRegisterResponse(api: RegisterApi, httpStatus: number, body: Uint8Array): RegisterVerdict {
  if (!isRegisterApi(api)) throw new IotError('bad-input', 'api must be v1 or v2');
  if (!Number.isInteger(httpStatus) || httpStatus < 100 || httpStatus > 999) throw new IotError('bad-input', 'httpStatus must be an integer in 100..999');
  if (!(body instanceof Uint8Array)) throw new IotError('bad-input', 'body must be a Uint8Array');
  if (isUnavailableStatus(httpStatus)) return { kind: 'unavailable', httpStatus };
  const success = httpStatus >= 200 && httpStatus < 300;
  const clientError = httpStatus >= 400 && httpStatus < 500;
  if (!success && !clientError) throw new IotError('bad-response', `gateway answered unexpected HTTP ${httpStatus}`, { httpStatus });
  // A 4xx without a Tencent answer is still the gateway saying no (a proxy's error page, an empty body).
  let text: string;
  try {
    text = utf8Decode(body);
  } catch (error) {
    if (clientError) return { kind: 'refused', httpStatus };
    throw new IotError('bad-response', 'gateway answer is not UTF-8 text', { httpStatus, cause: error });
  }
  let answer: RegisterAnswer;
  try {
    answer = (api === 'v1' ? parseV1RegisterResponse : parseV2RegisterResponse)(text);
  } catch (error) {
    // The per-API parsers throw only IotError 'bad-response' (a malformed answer); anything else is a bug here.
    if (!isIotError(error) || error.code !== 'bad-response') throw error;
    if (clientError) return { kind: 'refused', httpStatus };
    throw new IotError('bad-response', error.message, { httpStatus, cause: error.cause });
  }
  return { ...answer, httpStatus };
}

/**
 * A verdict that is not `accepted`, worded as the error the runner reports: `refused` (final) with the server's
 * fields verbatim, or `unavailable` (retryable). The message carries the server's code and message, never a secret.
 */
export function registerVerdictError(verdict: (RegisterRefused | RegisterUnavailable) & { httpStatus: number }): IotError {
  const httpStatus = verdict.httpStatus;
  if (verdict.kind === 'unavailable') return new IotError('unavailable', `gateway answered HTTP ${httpStatus}; will retry later`, { httpStatus });
  const details: IotErrorDetails = { httpStatus };
  if (verdict.serverCode !== undefined) details.serverCode = verdict.serverCode;
  if (verdict.serverMessage !== undefined) details.serverMessage = verdict.serverMessage;
  if (verdict.requestId !== undefined) details.requestId = verdict.requestId;
  const said = verdict.serverMessage ? `: ${verdict.serverMessage}` : '';
  const label = verdict.serverCode !== undefined ? ` (code ${String(verdict.serverCode)}${said})` : said === '' ? ` (HTTP ${httpStatus}, no Tencent answer)` : ` (${verdict.serverMessage})`;
  return new IotError('refused', `registration refused by the server${label}`, details);
}
