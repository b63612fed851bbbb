// Fake Moddable "Resource": the firmware's resources (CA DER files), served by the Node side.
const bridge = () => globalThis.__fakeBridge;
export default class Resource {
  constructor(path) {
    const answer = bridge().call('resource.get', { path });
    if (!(answer.data instanceof ArrayBuffer)) throw new Error(`Resource: ${path} not found`);
    return answer.data;
  }
  static exists(path) {
    return bridge().call('resource.exists', { path }).exists === true;
  }
}
