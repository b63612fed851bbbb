// What the fakes of Moddable's crypto modules take: an ArrayBuffer or a view, copied (the real modules read
// the bytes during the call).
export function bytesOf(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  throw new TypeError('crypt: ArrayBuffer or view expected');
}
