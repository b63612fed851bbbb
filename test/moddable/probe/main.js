/*
 * The module-conformance probe: exercises the Moddable modules the firmware relies on — Timer, Resource,
 * SecureSocket, the MQTT client, crypt/hmac, and this SDK's native tc-iot-random — in the ways where a fake
 * could differ from the real module, and traces one line per probe: `probe <name>: <JSON>`. The same file runs on Moddable's simulator (the real modules) and on
 * xsnap over test/device/fakes; test/moddable/conformance.sim.ts asserts that both print the same lines.
 *
 * config: tlsHost, tlsPort (a TLS echo server whose CA is the resource probe-ca.der), closedPort (nothing
 * listens), broker host/port (the local cloud's MQTT broker, same CA), productId, deviceName.
 */
import Timer from "timer";
import Resource from "Resource";
import SecureSocket from "securesocket";
import Client from "mqtt";
import { Digest, BlockCipher, Mode } from "crypt";
import HMAC from "hmac";
import fillRandom from "tc-iot-random";
import config from "mc/config";

function report(name, value) {
	trace(`probe ${name}: ${JSON.stringify(value)}\n`);
}

function attempt(action) {
	try {
		const value = action();
		return { ok: value === undefined ? "undefined" : value };
	}
	catch (error) {
		return { threw: String(error?.name), message: String(error?.message) };
	}
}

function wait(ms) {
	return new Promise((resolve) => Timer.set(resolve, ms));
}

/** Callback messages a SecureSocket reports, until it reports an error/close or `ms` pass. */
function socketMessages(options, ms, onConnected) {
	return new Promise((resolve) => {
		const messages = [];
		let socket;
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			Timer.clear(guard);
			try { socket?.close(); } catch {}
			resolve(messages);
		};
		const guard = Timer.set(() => { guard.fired = true; messages.push("timeout"); finish(); }, ms);
		const created = attempt(() => {
			socket = new SecureSocket({ ...options, secure: { protocolVersion: 0x303, ...options.secure } });
			socket.callback = (message, value) => {
				if (message === 2) { if (!messages.includes("readable")) messages.push("readable"); }
				else if (message === 3) { if (!messages.includes("writable")) messages.push("writable"); }
				else messages.push(message);
				if (message === 1 && onConnected) onConnected(socket, messages, finish);
				if (message < 0) finish();
			};
		});
		if (created.threw) { messages.push(`constructor threw ${created.threw}`); finish(); }
	});
}

async function probeTimers() {
	const cleared = Timer.set(() => {}, 10_000);
	Timer.clear(cleared);
	report("timer-clear-twice", attempt(() => Timer.clear(cleared)));
	let fired = 0;
	const oneShot = Timer.set(() => { fired++; }, 1);
	await wait(50);
	report("timer-clear-fired", { fired, clear: attempt(() => Timer.clear(oneShot)) });
	report("timer-clear-undefined", attempt(() => Timer.clear(undefined)));
	const repeating = Timer.repeat(() => {}, 10_000);
	report("timer-repeat-clear", attempt(() => Timer.clear(repeating)));
}

function probeResources() {
	const resource = new Resource("probe-ca.der");
	report("resource", {
		instanceOfArrayBuffer: resource instanceof ArrayBuffer,
		byteLengthPositive: resource.byteLength > 0,
		sliceIsArrayBuffer: resource.slice(0) instanceof ArrayBuffer,
		sliceLength: resource.slice(0).byteLength === resource.byteLength,
		firstByte: new Uint8Array(resource)[0],
	});
	report("resource-exists", { present: Resource.exists("probe-ca.der"), absent: Resource.exists("no-such.der") });
	report("resource-missing", attempt(() => new Resource("no-such.der")));
}

async function probeSockets() {
	const ca = new Resource("probe-ca.der");
	const other = new Resource("tencent-iothub-root.der");
	report("socket-untrusted-ca", await socketMessages({ host: config.tlsHost, port: Number(config.tlsPort), secure: { certificate: other, serverName: config.tlsHost } }, 10_000));
	report("socket-refused", await socketMessages({ host: config.tlsHost, port: Number(config.closedPort), secure: { certificate: ca, serverName: config.tlsHost } }, 10_000));
	report("socket-writes", await socketMessages({ host: config.tlsHost, port: Number(config.tlsPort), secure: { certificate: ca, serverName: config.tlsHost } }, 10_000, (socket, messages, finish) => {
		messages.push({ available: attempt(() => socket.write()) });
		messages.push({ write896: attempt(() => { socket.write(new ArrayBuffer(896)); return "ok"; }) });
		messages.push({ write1024: attempt(() => { socket.write(new ArrayBuffer(1024)); return "ok"; }) });
		messages.push({ write1025: attempt(() => { socket.write(new ArrayBuffer(1025)); return "ok"; }) });
		messages.push({ writeTypedArray: attempt(() => { socket.write(new Uint8Array(8)); return "ok"; }) });
		Timer.set(finish, 300);
	}));
}

function mqttEvents(password, ms) {
	return new Promise((resolve) => {
		const events = [];
		let client;
		const finish = () => {
			Timer.clear(guard);
			try { client?.close(); } catch {}
			resolve(events);
		};
		const guard = Timer.set(() => { events.push("timeout"); finish(); }, ms);
		const ca = new Resource("probe-ca.der");
		client = new Client({
			host: config.brokerHost, port: Number(config.brokerPort), id: `${config.productId}${config.deviceName}`,
			user: `${config.productId}${config.deviceName};21010406;12345;4102444800`, password,
			timeout: 60_000, Socket: SecureSocket, secure: { protocolVersion: 0x303, certificate: ca, serverName: config.brokerHost },
		});
		client.onReady = () => { events.push("onReady"); finish(); };
		client.onClose = () => { events.push("onClose"); finish(); };
		client.onMessage = () => events.push("onMessage");
	});
}

function hex(buffer) {
	return Array.from(new Uint8Array(buffer), (b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
}

function bytes(text) {
	return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function probeCrypto() {
	report("crypt-sha1", attempt(() => hex(new Digest("SHA1").process(bytes("abc").buffer))));
	report("crypt-sha256-view", attempt(() => hex(new Digest("SHA256").process(bytes("xabcx").subarray(1, 4)))));
	report("crypt-digest-result", attempt(() => new Digest("SHA1").process(new ArrayBuffer(1)) instanceof ArrayBuffer));
	report("hmac-sha256", attempt(() => hex(new HMAC(new Digest("SHA256"), bytes("Jefe").buffer).process(bytes("what do ya want for nothing?").buffer))));
	const key = Uint8Array.from([0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c]);
	const iv = Uint8Array.from({ length: 16 }, (_, i) => i);
	const block = Uint8Array.from([0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46, 0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d]);
	report("crypt-aes-cbc", attempt(() => hex(new Mode("CBC", new BlockCipher("AES", key.buffer), iv.buffer).decrypt(block.buffer))));
	report("crypt-aes-bad-key", attempt(() => new BlockCipher("AES", new ArrayBuffer(15)) && "made"));
	report("crypt-aes-partial", attempt(() => new Mode("CBC", new BlockCipher("AES", key.buffer), iv.buffer).decrypt(new ArrayBuffer(20)).byteLength));
}

/** This SDK's native random module (hal/moddable/native/random.c): which buffers it fills, what it refuses. */
function probeRandom() {
	const varied = (view) => new Set(view).size > view.length / 4;
	report("random-empty", attempt(() => fillRandom(new Uint8Array(0))));
	report("random-array-buffer", attempt(() => { const b = new ArrayBuffer(64); const r = fillRandom(b); return [r === undefined, varied(new Uint8Array(b))]; }));
	report("random-view", attempt(() => {
		const whole = new Uint8Array(48);
		fillRandom(whole.subarray(8, 40));
		return [whole.subarray(0, 8).every((b) => b === 0), whole.subarray(40).every((b) => b === 0), varied(whole.subarray(8, 40))];
	}));
	report("random-data-view", attempt(() => { const b = new ArrayBuffer(32); fillRandom(new DataView(b)); return varied(new Uint8Array(b)); }));
	report("random-uint16", attempt(() => fillRandom(new Uint16Array(4))));
	report("random-string", attempt(() => fillRandom("abcd")));
	report("random-number", attempt(() => fillRandom(16)));
}

async function probeMqtt() {
	report("mqtt-bad-password", await mqttEvents("0000000000000000000000000000000000000000;hmacsha1", 15_000));
}

export default async function main() {
	try {
		await probeTimers();
		probeResources();
		probeCrypto();
		probeRandom();
		await probeSockets();
		await probeMqtt();
	}
	catch (error) {
		report("probe-failed", String(error));
	}
	report("done", true);
}
