// Fake Moddable "net": Net.get("MAC") and friends, from the boot settings.
const bridge = () => globalThis.__fakeBridge;
const Net = {
  get(what) {
    if (what === 'MAC') return bridge().boot.mac;
    if (what === 'IP') return '192.168.1.23';
    if (what === 'SSID') return 'test-ssid';
    return undefined;
  },
};
export default Net;
