// Fake Moddable "Resource": the firmware's resources (CA DER files), served by the Node side.
// As modules/files/resource/Resource.{js,c}: the instance is a read-only host buffer, NOT an ArrayBuffer
// (`instanceof ArrayBuffer` is false, so e.g. Preference.set refuses it), with an own `byteLength`, a
// `slice(begin[, end])` that copies into a real ArrayBuffer, and typed arrays can view it. A missing
// resource throws URIError "Resource not found: <path>". Modelled by an ArrayBuffer whose prototype is
// Resource.prototype (XS typed arrays still view it by its internal buffer).
const bridge = () => globalThis.__fakeBridge;
export default class Resource {
  constructor(path) {
    const answer = bridge().call('resource.get', { path });
    if (!(answer.data instanceof ArrayBuffer)) throw new URIError(`Resource not found: ${path}`);
    const data = answer.data;
    const byteLength = data.byteLength;
    Object.setPrototypeOf(data, Resource.prototype);
    Object.defineProperty(data, 'byteLength', { value: byteLength, enumerable: false });
    return data;
  }
  static exists(path) {
    return bridge().call('resource.exists', { path }).exists === true;
  }
  slice(begin, end) {
    return ArrayBuffer.prototype.slice.call(this, begin, end === undefined ? this.byteLength : Math.min(end, this.byteLength));
  }
}
Object.freeze(Resource.prototype);
