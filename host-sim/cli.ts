/** The `tc-iot-device` command line. Placeholder until the host simulator lands (issue 4). */
export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`tc-iot-device: not built yet (asked for: ${argv.join(' ') || 'nothing'}). The demo arrives with issue 4.\n`);
  return 0;
}
