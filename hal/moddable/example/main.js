// A user's own Moddable app on the library manifest (../../../manifest_tc_iot_device.json): register once, keep the credential in flash, log in, publish.
import config from "mc/config";
import { createModdableHal, provision, buildMqttLogin, openMqttSession, loadCaFile, loadDerResource, trustAnchorDer } from "tc-iot-device";

// A local cloud's CA: a resource on a device (ca=), or a host file on the desktop simulators (caFile=).
function localCloudCa() {
  if (config.caFile) return loadCaFile(config.caFile);
  return config.ca ? loadDerResource(config.ca) : undefined;
}

export default async function main() {
  const ca = localCloudCa();
  const hal = createModdableHal({ logLevel: "info", ca });
  const stored = await hal.storage.load();
  const device = { productId: config.productId, productSecret: config.productSecret, deviceName: config.deviceName, authMode: "KEY", region: "china", credential: stored?.credential };
  const { record } = await provision(hal, device, config.gateway ? { gateway: { host: config.gateway, port: Number(config.gatewayPort) } } : {});
  const login = buildMqttLogin({ ...record, credential: record.credential, algorithm: "hmacsha256", connIdRandom: hal.random(8), expiry: hal.now() + 3600 }, hal.crypto);
  const host = config.broker ?? login.host, port = Number(config.brokerPort ?? login.port);
  const mqtt = await openMqttSession({ host, port, serverName: host, clientId: login.clientId, username: login.username, password: login.password, ca: ca ?? trustAnchorDer("tencent-iothub"), keepAliveMs: 240000, timeoutMs: 15000 });
  mqtt.publish(`${record.productId}/${record.deviceName}/data`, JSON.stringify({ hello: "from my app" }));
  trace("published\n");
}
