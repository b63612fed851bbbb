/**
 * node:util parseArgs errors, rewritten as one short line that names the option. Node's own messages run
 * to three lines ("… argument is ambiguous.\nDid you forget …\nTo specify …") and speak of positionals;
 * a user of the CLI needs the option, what is wrong with it, and the usage (which the caller appends).
 */

/** The first quoted option or argument in node's message: `'--bogus'`, `'-c, --config <value>'` → `-c/--config`. */
function quoted(message: string): string {
  const match = /'([^']*)'/.exec(message);
  if (match === null) return '?';
  const names = match[1]!.replace(/\s*<value>$/, '').split(/,\s*/);
  return names.join('/');
}

export function oneLineParseArgsError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | null)?.code;
  const name = quoted(message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${name}`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument "${name}" (options only)`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument is ambiguous/.test(message)) return `option ${name} needs a value (it is followed by another option)`;
    if (/argument missing/.test(message)) return `option ${name} needs a value`;
    if (/does not take an argument/.test(message)) return `option ${name} takes no value`;
    return `option ${name} has a bad value`;
  }
  // Unknown shape: the first line only, so the output stays one line.
  return message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
}
