/**
 * `tc-iot-device cloud --products FILE [--port N] [--mqtt-port N] [--plain-mqtt-port N] [--max-clock-skew S]
/**
 * `tc-iot-device cloud --products FILE [--port N] [--mqtt-port N] [--plain-mqtt-port N] [--max-clock-skew S]
 * [--state FILE] [--host ADDR] [--hostname NAME]... [--tencent-hostnames] [--console-port N] [--console-token T]
 * [--console-host ADDR]`: runs the local cloud until SIGINT/SIGTERM. When ready it prints exactly one JSON line
 * on stdout ({"gateway","broker","ca","console"}); everything else (events, errors) goes to stderr, one line each.
 * Exit codes: 0 after a clean shutdown, 2 for bad arguments / products / state file, 1 when it cannot start.
 */
import { CLOUD_USAGE } from '../usage.js';
import { loadProductsFile, ProductsFileError, startCloud, type CloudOptions } from './index.js';
import { ListenHostError, parseListenHost } from './listen-host.js';
import { HostnameError, parseHostname } from './server-names.js';
import { TOKEN_PATTERN } from './console/access.js';
import { LIMIT_FLAGS, limitValue, type LimitFlag } from './limit-flags.js';
import type { CloudLimits } from './connection-limits.js';


class UsageError extends Error {}

interface CloudArguments {
  products: string;
  port?: number;
  mqttPort?: number;
  plainMqttPort?: number;
  maxClockSkewSeconds?: number;
  statePath?: string;
  host?: string;
  hostnames?: string[];
  tencentHostnames?: boolean;
  consolePort?: number;
  consoleToken?: string;
  consoleHost?: string;
  limits?: Partial<CloudLimits>;
}

const FLAGS = {
  '--products': 'products',
  '--port': 'port',
  '--mqtt-port': 'mqttPort',
  '--plain-mqtt-port': 'plainMqttPort',
  '--max-clock-skew': 'maxClockSkewSeconds',
  '--state': 'statePath',
  '--host': 'host',
  '--hostname': 'hostnames',
  '--tencent-hostnames': 'tencentHostnames',
  '--console-port': 'consolePort',
  '--console-token': 'consoleToken',
  '--console-host': 'consoleHost',
} as const;

/** Flags that take no value, and flags that may be given more than once. */
const SWITCHES = new Set(['--tencent-hostnames']);
const REPEATABLE = new Set(['--hostname']);

function portValue(flag: string, text: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) throw new UsageError(`${flag} must be a port number 0..65535`);
  return Number(text);
}

/** Runs a value parser, turning its refusal into a usage error (exit 2). */
function checked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ListenHostError || error instanceof HostnameError) throw new UsageError(error.message);
    throw error;
  }
}

/** Parses the arguments after `cloud`; accepts `--flag value` and `--flag=value`. */
export function parseCloudArguments(argv: readonly string[]): CloudArguments | 'help' {
  const out: Partial<CloudArguments> = {};
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(flag in FLAGS) && !(flag in LIMIT_FLAGS)) throw new UsageError(`unknown argument ${JSON.stringify(arg.slice(0, 40))}`);
    if (seen.has(flag) && !REPEATABLE.has(flag)) throw new UsageError(`${flag} given twice`);
    seen.add(flag);
    if (SWITCHES.has(flag)) {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      out.tencentHostnames = true;
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    if (flag in LIMIT_FLAGS) {
      const limit = limitValue(flag as LimitFlag, value, (message) => new UsageError(message));
      out.limits = { ...out.limits, ...limit };
      continue;
    }
    const key = FLAGS[flag as keyof typeof FLAGS];
    switch (key) {
      case 'products':
      case 'statePath':
        out[key] = value;
        break;
      case 'host':
        out.host = checked(() => parseListenHost(value));
        break;
      case 'hostnames':
        (out.hostnames ??= []).push(checked(() => parseHostname(value)));
        break;
      case 'consoleHost':
        if (!/^[A-Za-z0-9.:-]{1,253}$/.test(value)) throw new UsageError(`${flag} must be a host name or an IP address`);
        out.consoleHost = value;
        break;
      case 'consoleToken':
        if (!TOKEN_PATTERN.test(value)) throw new UsageError(`${flag} must be 16 to 128 characters [A-Za-z0-9._~-]`);
        out.consoleToken = value;
        break;
      case 'tencentHostnames':
        break;
      case 'maxClockSkewSeconds':
        if (!/^[0-9]{1,9}$/.test(value)) throw new UsageError(`${flag} must be a whole number of seconds`);
        out.maxClockSkewSeconds = Number(value);
        break;
      default:
        out[key] = portValue(flag, value);
    }
  }
  if (out.products === undefined) throw new UsageError('--products FILE is required');
  return out as CloudArguments;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveSignal(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function runCloudCommand(argv: string[]): Promise<number> {
  let args: CloudArguments | 'help';
  try {
    args = parseCloudArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // One line: the problem, then the usage.
    stderrLine(`tc-iot-device cloud: ${error.message} (${CLOUD_USAGE})`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${CLOUD_USAGE}\n`);
    return 0;
  }
  let options: CloudOptions;
  try {
    const products = await loadProductsFile(args.products);
    options = { products, log: (line) => stderrLine(`${new Date().toISOString()} ${line}`) };
  } catch (error) {
    stderrLine(`tc-iot-device cloud: ${error instanceof ProductsFileError ? error.message : 'products file cannot be read'}`);
    return 2;
  }
  if (args.port !== undefined) options.port = args.port;
  if (args.mqttPort !== undefined) options.mqttPort = args.mqttPort;
  if (args.plainMqttPort !== undefined) options.plainMqttPort = args.plainMqttPort;
  if (args.maxClockSkewSeconds !== undefined) options.maxClockSkewSeconds = args.maxClockSkewSeconds;
  if (args.statePath !== undefined) options.statePath = args.statePath;
  if (args.host !== undefined) options.host = args.host;
  if (args.hostnames !== undefined) options.hostnames = args.hostnames;
  if (args.tencentHostnames) options.tencentHostnames = true;
  // The console listens where the cloud does (--host) unless --console-host says otherwise.
  options.console = {
    ...(args.consolePort === undefined ? {} : { port: args.consolePort }),
    ...(args.consoleToken === undefined ? {} : { token: args.consoleToken }),
    ...(args.consoleHost === undefined ? {} : { host: args.consoleHost }),
  };
  if (args.limits !== undefined) options.limits = args.limits;

  // Listen for signals before starting, so a SIGTERM during start-up still shuts down cleanly.
  const signal = waitForSignal();
  let cloud;
  try {
    cloud = await startCloud(options);
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'a port is already in use' : code === 'EADDRNOTAVAIL' ? `--host ${args.host ?? ''} is not an address of this machine` : message;
    stderrLine(`tc-iot-device cloud: cannot start: ${reason}`);
    return message.startsWith('state file') ? 2 : 1;
  }
  // `console` is the page's address with the token in its fragment (#token=…): opening it is enough.
  process.stdout.write(`${JSON.stringify({ gateway: cloud.gateway, broker: cloud.broker, ca: cloud.ca, console: `${cloud.console}#token=${cloud.consoleToken}` })}\n`);
  const received = await signal;
  stderrLine(`${new Date().toISOString()} cloud: ${received}, shutting down`);
  await cloud.close();
  return 0;
}
