// Fake Moddable "time": Time.set(seconds) sets the device clock that Date.now() reads.
const bridge = () => globalThis.__fakeBridge;
const Time = {
  set(seconds) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new TypeError('Time.set needs seconds');
    bridge().setClock(seconds);
    bridge().call('time.set', { seconds });
  },
  get ticks() { return bridge().deviceNow(); },
  delta(start, end) { return (end ?? bridge().deviceNow()) - start; },
  timezone: 0,
  dst: 0,
};
export default Time;
