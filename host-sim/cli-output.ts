/**
 * What a command prints. Human mode: one line per fact on stdout, one failure line on stderr. With --json:
 * exactly one object on stdout — {"ok":true,…} or {"ok":false,"error":{code,message,serverCode?,…}} — and
 * nothing on stdout besides. Log lines (-v) always go to stderr.
 */
import { isIotError, type IotError } from '../src/errors.js';
import { exitCodeFor, EXIT } from './exit-codes.js';
import { explainFailure, type FailureContext } from './explain-failure.js';
import { UsageError } from './usage-error.js';
import { CONNECT_USAGE, DEMO_USAGE, FLEET_USAGE, REGISTER_USAGE } from './usage.js';

const USAGE_OF: Readonly<Record<string, string>> = Object.freeze({ register: REGISTER_USAGE, connect: CONNECT_USAGE, demo: DEMO_USAGE, fleet: FLEET_USAGE });

/** The command's usage line, or the pointer to --help when there is no command (an unknown one). */
function usageHint(command: string): string {
  const usage = Object.prototype.hasOwnProperty.call(USAGE_OF, command) ? USAGE_OF[command] : undefined;
  return usage === undefined ? 'see tc-iot-device --help' : `usage: ${usage}`;
}

/** A usage message is printed on one line, whatever it holds. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal (progress bars only then). */
  stderrIsTTY: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => { process.stdout.write(text); },
  stderr: (text) => { process.stderr.write(text); },
  stderrIsTTY: process.stderr.isTTY === true,
};

export class CommandOutput {
  readonly #io: CliIo;
  readonly #json: boolean;
  readonly #command: string;

  constructor(io: CliIo, json: boolean, command: string) {
    this.#io = io;
    this.#json = json;
    this.#command = command;
  }

  get json(): boolean {
    return this.#json;
  }

  /** A line of the human story (suppressed with --json). */
  say(line: string): void {
    if (!this.#json) this.#io.stdout(`${line}\n`);
  }

  /** The final success: the object with --json, nothing more otherwise (the story was already told). */
  succeed(result: Record<string, unknown>): number {
    if (this.#json) this.#io.stdout(`${JSON.stringify({ ok: true, command: this.#command, ...result })}\n`);
    return EXIT.ok;
  }

  /** Reports an IotError (one line or one object) and returns its exit code. */
  fail(error: IotError, context: FailureContext): number {
    const line = explainFailure(error, context);
    if (this.#json) {
      const detail: Record<string, unknown> = { code: error.code, message: line };
      if (error.serverCode !== undefined) detail.serverCode = error.serverCode;
      if (error.serverMessage !== undefined) detail.serverMessage = error.serverMessage;
      if (error.requestId !== undefined) detail.requestId = error.requestId;
      if (error.httpStatus !== undefined) detail.httpStatus = error.httpStatus;
      this.#io.stdout(`${JSON.stringify({ ok: false, command: this.#command, error: detail })}\n`);
    } else {
      this.#io.stderr(`tc-iot-device ${this.#command}: ${line}\n`);
    }
    return exitCodeFor(error.code);
  }

  /** Any error escaping a command: usage (2), an IotError (its code), or internal (70). */
  failAny(error: unknown, context: FailureContext): number {
    if (error instanceof UsageError) return reportUsage(this.#io, this.#command, error.message, this.#json);
    if (isIotError(error)) return this.fail(error, context);
    const message = error instanceof Error ? error.message : String(error);
    if (this.#json) this.#io.stdout(`${JSON.stringify({ ok: false, command: this.#command, error: { code: 'internal', message } })}\n`);
    else this.#io.stderr(`tc-iot-device ${this.#command}: internal error: ${message}\n`);
    return EXIT.internal;
  }
}

export function reportUsage(io: CliIo, command: string, message: string, json: boolean): number {
  if (json) io.stdout(`${JSON.stringify({ ok: false, command, error: { code: 'usage', message } })}\n`);
  else io.stderr(`tc-iot-device${command === '' ? '' : ` ${command}`}: ${oneLine(message)} (${usageHint(command)})\n`);
  return EXIT.usage;
}
