/**
 * Runs one of the C SDK's samples, bounded: killed (SIGKILL) after `timeoutMs`, output captured. The samples
 * print device secrets and the product secret in their debug lines, so anything shown in a failure message
 * goes through `redact` first.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface SampleRun {
  code: number | null;
  timedOut: boolean;
  output: string;
}

export function runSample(binary: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<SampleRun> {
  return new Promise((resolveRun) => {
    const child = spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (error) => chunks.push(Buffer.from(`\n(could not start: ${error.message})\n`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks).toString('utf8');
      // TC_IOT_INTEROP_LOG=FILE keeps every sample's (redacted) output, to read what the SDK did.
      const log = process.env.TC_IOT_INTEROP_LOG;
      if (log) appendFileSync(log, `\n===== ${basename(binary)} ${args.join(' ')} (in ${cwd}): exit ${code}${timedOut ? ', timed out' : ''}\n${redact(output)}`);
      resolveRun({ code, timedOut, output });
    });
  });
}

/** Masks secrets the SDK prints (device secret, product secret, PSK) before output is shown. */
export function redact(text: string): string {
  return text
    .replace(/(device_secret: )\S+/g, '$1***')
    .replace(/("(?:deviceSecret|productSecret|psk)"\s*:\s*")[^"]*/g, '$1***')
    .replace(/-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]*?-----END (RSA )?PRIVATE KEY-----/g, '(private key)');
}

/** The last lines of a run, redacted, for an assertion message. */
export function tail(run: SampleRun, lines = 40): string {
  return `exit ${run.code}${run.timedOut ? ' (killed: timed out)' : ''}\n${redact(run.output).split('\n').slice(-lines).join('\n')}`;
}
