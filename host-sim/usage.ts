/**
 * Every command's one-line usage, apart from the commands themselves, so that the dispatcher can print help
 * without loading a command (and its MQTT, TLS and cloud dependencies) that will not run.
 */
export const REGISTER_USAGE = 'tc-iot-device register -c FILE [--api v1|v2] [--algorithm hmacsha256|hmacsha1] [--gateway URL] [--ca FILE] [--force] [--max-attempts N] [--json] [-v|--log-level LEVEL]';
export const CONNECT_USAGE = 'tc-iot-device connect -c FILE [--broker URL] [--gateway URL] [--ca FILE] [--tls-psk] [--publish TOPIC MESSAGE] [--api v1|v2] [--max-attempts N] [--json] [-v|--log-level LEVEL]';
export const DEMO_USAGE = 'tc-iot-device demo [--json] [-v|--log-level LEVEL]';
export const FLEET_USAGE = 'tc-iot-device fleet -n N [--concurrency C] [-c TEMPLATE --gateway URL --broker URL --ca FILE] [--json] [-v|--log-level LEVEL]';
export const CLOUD_USAGE = 'usage: tc-iot-device cloud --products FILE [--port N] [--mqtt-port N] [--plain-mqtt-port N] [--max-clock-skew S] [--state FILE] [--host ADDR] [--hostname NAME]... [--tencent-hostnames] [--console-port N] [--console-token T] [--console-host ADDR] [--max-packet-bytes N] [--login-timeout S] [--request-timeout S] [--max-connections N] [--max-connections-per-address N]';
