/**
 * Client ids of every length Tencent allows (product id + device name, 10 + up to 48 characters) log in on
 * MQTT 3.1 (protocol level 3, "MQIsdp") and 3.1.1 alike; longer ones are refused with CONNACK 2. Every
 * refused CONNACK is logged exactly once with its code and reason — the broker's own login refusals and aedes'
 * (identifier rejected on 3.1, unacceptable protocol version) — and no log line holds a secret.
 */
import { strict as assert } from 'node:assert';
import { connect as netConnect } from 'node:net';
import type { IClientOptions } from 'mqtt';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';
import { endClient, keyLogin, mqttConnect, registerV1, type ConnectOutcome } from './tc-client.js';

const PID = 'K7QW2ZP4XA';
const SECRET = 'mR4tQ8zLw2Vn6YpC1sHb9dKf';
const MQTT_31: IClientOptions = { protocolVersion: 3, protocolId: 'MQIsdp' };
const MQTT_311: IClientOptions = { protocolVersion: 4, protocolId: 'MQTT' };
const VERSIONS: Array<[string, IClientOptions]> = [['MQTT 3.1', MQTT_31], ['MQTT 3.1.1', MQTT_311]];

/** Device names giving client ids of 11 (shortest), 23 (MQTT 3.1's limit), 24, 29 (the issue's example) and 58 characters. */
const NAMES = ['a', 'x'.repeat(13), 'y'.repeat(14), 'sensor-kitchen-0001', 'z'.repeat(48)];

describe('cloud broker: client id lengths on MQTT 3.1 and 3.1.1, every refusal logged', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  const logs: string[] = [];
  const secrets: string[] = [SECRET];
  const psks = new Map<string, string>();

  before(async () => {
    cloud = await startCloud({ plainMqttPort: 0, log: (line) => logs.push(line), products: { products: [{ productId: PID, productSecret: SECRET, authMode: 'KEY', dynamicRegistration: 'auto' }] } });
    for (const name of NAMES) {
      const { psk } = await registerV1(cloud, { productId: PID, productSecret: SECRET, deviceName: name });
      psks.set(name, psk);
      secrets.push(psk);
    }
  });
  after(async () => {
    await cloud?.close();
    for (const line of logs) for (const secret of secrets) assert.ok(!line.includes(secret), `a log line holds a secret: ${line}`);
  });

  function connectAs(version: IClientOptions, clientId: string, username: string, password: string, url = cloud.broker): Promise<ConnectOutcome> {
    return mqttConnect(url, { ...version, clientId, username, password, ca: cloud.caPem });
  }

  /** The refusal lines logged since `from` (waits a little for aedes' own refusals, logged as their CONNACK is written). */
  async function refusalsSince(from: number, expected: number): Promise<string[]> {
    for (let i = 0; i < 50 && logs.slice(from).filter((l) => l.includes(': refused (CONNACK')).length < expected; i++) await new Promise((r) => setTimeout(r, 20));
    return logs.slice(from).filter((l) => l.includes(': refused (CONNACK'));
  }

  for (const [label, version] of VERSIONS) {
    for (const name of NAMES) {
      it(`${label}: a client id of ${PID.length + name.length} characters logs in`, async () => {
        const login = keyLogin(PID, name, psks.get(name)!);
        const outcome = await connectAs(version, login.clientId, login.username, login.password);
        if (!outcome.ok) assert.fail(`refused: CONNACK ${outcome.returnCode}, closed ${outcome.closed}`);
        await endClient(outcome.client);
      });
    }

    it(`${label}: a client id of 59 characters (longer than product id + 48) is refused with CONNACK 2 and logged once`, async () => {
      const clientId = `${PID}${'w'.repeat(49)}`;
      const from = logs.length;
      const outcome = await connectAs(version, clientId, `${clientId};21010406;abcde;9999999999`, 'f'.repeat(64) + ';hmacsha256');
      assert.equal(outcome.ok, false);
      if (!outcome.ok) assert.equal(outcome.returnCode, 2);
      const lines = await refusalsSince(from, 1);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0]!, new RegExp(`mqtt login ${clientId}: refused \\(CONNACK 2: identifier rejected.*59 characters.*58`));
      assert.ok(!lines[0]!.includes('f'.repeat(64)), 'no password in the log');
    });

    it(`${label}: a wrong password is refused with CONNACK 4, logged once with the reason`, async () => {
      const name = NAMES[4]!;
      const login = keyLogin(PID, name, psks.get(name)!);
      const from = logs.length;
      const outcome = await connectAs(version, login.clientId, login.username, `${'0'.repeat(64)};hmacsha256`);
      assert.equal(outcome.ok, false);
      if (!outcome.ok) assert.equal(outcome.returnCode, 4);
      const lines = await refusalsSince(from, 1);
      assert.deepEqual(lines, [`mqtt login ${login.clientId}: refused (CONNACK 4: password does not match the current device secret)`]);
    });
  }

  it('MQTT 3.1 refusals of over-long ids come from aedes\' own check, and are logged as such', async () => {
    // The 3.1.1 refusal is the broker's login rule; the 3.1 one is made by aedes before any login hook runs
    // (its maxClientsIdLength), so only the CONNACK logger can report it: its line names the protocol.
    const clientId = `${PID}${'v'.repeat(60)}`;
    const from = logs.length;
    const outcome = await connectAs(MQTT_31, clientId, `${clientId};21010406;abcde;9999999999`, 'x;hmacsha256');
    assert.equal(outcome.ok, false);
    const lines = await refusalsSince(from, 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /CONNACK 2: identifier rejected: client id of 70 characters on MQTT 3\.1, longer than 58/);
  });

  it('an unsupported protocol level (MQTT 5) is refused with CONNACK 1 by aedes, and logged', async () => {
    // A hand-made MQTT 5 CONNECT: "MQTT", level 5, clean start, keep-alive 60, no properties, client id "K7QW2ZP4XAa".
    const clientId = Buffer.from(`${PID}a`);
    const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x3c, 0x00]);
    const payload = Buffer.concat([Buffer.from([0x00, clientId.length]), clientId]);
    const packet = Buffer.concat([Buffer.from([0x10, variable.length + payload.length]), variable, payload]);
    const from = logs.length;
    const answer = await new Promise<Buffer>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port: Number(new URL(cloud.plainBroker!).port) }, () => socket.write(packet));
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Buffer.concat(chunks)));
    });
    assert.deepEqual([...answer], [0x20, 0x02, 0x00, 0x01], 'CONNACK 1, then the connection is closed');
    const lines = await refusalsSince(from, 1);
    assert.deepEqual(lines, ['mqtt login K7QW2ZP4XAa: refused (CONNACK 1: unacceptable protocol version: MQTT 5 (this broker speaks MQTT 3.1 and 3.1.1))']);
  });
});
