/**
 * What the JSON body of a registration answer says (accepted or refused), shared by the v1 and v2 parsers and
 * by parseRegisterResponse (register-response.ts), which adds the HTTP status. A refusal is a value here, never
 * an exception: only a malformed answer throws.
 */

/** The gateway issued a credential: the encrypted payload and what came with it. */
export interface RegisterAccepted {
  kind: 'accepted';
  /** Base64 of the AES-128-CBC ciphertext. */
  payload: string;
  /** Plaintext length in bytes (the ciphertext is zero-padded to a multiple of 16). */
  len: number;
  requestId?: string;
  /** v2 only: 0 = newly registered, 1 = the device existed. */
  state?: number;
}

/** The gateway said no. Its own code and message are verbatim (they are what Tencent's docs list). */
export interface RegisterRefused {
  kind: 'refused';
  serverCode?: string | number;
  serverMessage?: string;
  requestId?: string;
}

/** The body's answer, before the HTTP status is taken into account. */
export type RegisterAnswer = RegisterAccepted | RegisterRefused;

/** A refusal with whichever of the server's fields it sent (a code that is neither string nor number is dropped). */
export function refusal(serverCode: unknown, serverMessage: string | undefined, requestId: string | undefined): RegisterRefused {
  const refused: RegisterRefused = { kind: 'refused' };
  if (typeof serverCode === 'string' || typeof serverCode === 'number') refused.serverCode = serverCode;
  if (serverMessage !== undefined) refused.serverMessage = serverMessage;
  if (requestId !== undefined) refused.requestId = requestId;
  return refused;
}

