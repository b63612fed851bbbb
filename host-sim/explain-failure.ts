/**
 * Turns an IotError into the ONE line a user reads on stderr: what failed, the server's own words verbatim,
 * and what to do. The error's message never holds a secret (src/errors.ts); neither does anything added here.
 */
import type { IotError } from '../src/errors.js';
import { MQTT_TLS_PORT } from '../src/conventions/endpoints.js';

export interface FailureContext {
  /** The device-info file, named in hints about it. */
  file?: string;
  /** The step that failed, for the line's opening words. */
  step: 'register' | 'connect' | 'publish' | 'subscribe' | 'ca' | 'load' | 'demo' | 'fleet';
}

function serverWords(error: IotError): string {
  const parts: string[] = [];
  if (error.serverCode !== undefined) parts.push(`code ${JSON.stringify(error.serverCode)}`);
  if (error.serverMessage !== undefined) parts.push(`message ${JSON.stringify(error.serverMessage)}`);
  if (error.requestId !== undefined) parts.push(`requestId ${error.requestId}`);
  return parts.length === 0 ? '' : ` [server ${parts.join(', ')}]`;
}

/** What to do about a refusal; Tencent's codes beyond 1010 are not public, so the server's text decides too. */
function refusalHint(error: IotError, context: FailureContext): string {
  const text = `${error.serverMessage ?? ''} ${error.message}`.toLowerCase();
  const file = context.file ?? 'the device-info file';
  if (context.step === 'connect') {
    if (error.serverCode === 5 || text.includes('not authorized')) return `check that the device exists and is enabled, and that the credential in ${file} belongs to it`;
    return 'the stored credential is not valid (a newer registration replaced it, or the file was edited); if the device never connected, register again with --force';
  }
  if (context.step === 'publish' || context.step === 'subscribe') return 'the broker refused it: a device may only use its own topics (<productId>/<deviceName>/…)';
  if (error.serverCode === 1010 || text.includes('signature')) return `the signature was refused: check productSecret (and productId) in ${file}`;
  if (text.includes('activ')) return 'the device is already activated (it has logged in over MQTT before): keep using its stored credential, or delete the device in the console to register it again';
  if (text.includes('replay') || text.includes('nonce')) return 'the gateway saw this request before: retry (a new nonce is drawn each time)';
  if (text.includes('timestamp') || text.includes('clock') || text.includes('expired')) return 'the gateway refused the timestamp: set the system clock (NTP) and retry';
  if (text.includes('product')) return `check productId in ${file} and the product's dynamic registration setting`;
  if (text.includes('limit')) return 'the product has reached its dynamic registration limit: raise it in the console';
  if (text.includes('name') || text.includes('exist')) return `check deviceName in ${file} (the product may allow only pre-created names)`;
  return 'the server refused the request; see its code and message';
}

function hint(error: IotError, context: FailureContext): string {
  switch (error.code) {
    case 'refused': return refusalHint(error, context);
    case 'clock': return 'set the system clock (e.g. enable NTP) and retry';
    case 'tls':
      if (error.message.includes('does not speak TLS')) return context.step === 'connect' ? `check that --broker is mqtts:// to the TLS port (${MQTT_TLS_PORT}), or mqtt:// for plain MQTT` : 'check that --gateway is https:// to the TLS port';
      return error.message.includes('--ca') ? "for Tencent's own servers, check the host name and the system date" : "for a local cloud pass its CA with --ca FILE; for Tencent's own servers, check the host name and the system date";
    case 'transport': return context.step === 'connect' ? 'check --broker and the network, then retry' : 'check --gateway and the network, then retry';
    case 'timeout': return 'the network or the server is slow or unreachable; retry later';
    case 'unavailable': return 'the server is temporarily unavailable; retry later';
    case 'bad-response': return 'the server answered something that is not the Tencent protocol; check --gateway/--broker';
    case 'storage': return `check that ${context.file ?? 'the file'} and its folder are writable`;
    case 'bad-input':
      if (context.step === 'ca') return 'give --ca a PEM file holding the CA certificate (e.g. the `ca` path the local cloud prints)';
      if (error.message.includes('does not exist') || error.message.includes('cannot read')) return 'check the path';
      return context.file === undefined ? 'fix the argument' : `fix ${context.file} (the C SDK's device-info format)`;
    case 'unsupported': return 'use a supported option';
  }
}

const STEP_WORDS: Readonly<Record<FailureContext['step'], string>> = Object.freeze({
  register: 'registration failed',
  connect: 'MQTT login failed',
  publish: 'publish failed',
  subscribe: 'subscribe failed',
  ca: 'cannot use the CA file',
  load: 'cannot use the device-info file',
  demo: 'demo failed',
  fleet: 'fleet failed',
});

/** One line, no newline: "<step> failed: <error message> [server …] — <what to do>". */
export function explainFailure(error: IotError, context: FailureContext): string {
  return `${STEP_WORDS[context.step]}: ${error.message.replace(/[\r\n]+/g, ' ')}${serverWords(error)} — ${hint(error, context)}`;
}
