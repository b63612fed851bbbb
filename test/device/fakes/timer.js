// Fake Moddable "timer": Timer.set/repeat/schedule/clear, run by real timers on the Node side.
const bridge = () => globalThis.__fakeBridge;
let nextId = 1;

class Timer {
  static set(callback, interval = 0, repeat = 0) {
    const timer = { id: nextId++, callback, repeat };
    bridge().on(`timer:${timer.id}`, () => {
      if (!timer.repeat) bridge().off(`timer:${timer.id}`);
      timer.callback(timer);
    });
    bridge().call('timer.set', { id: timer.id, ms: interval, repeat });
    return timer;
  }
  static repeat(callback, interval) {
    return Timer.set(callback, interval, interval);
  }
  static schedule(timer, interval = 0, repeat = 0) {
    timer.repeat = repeat;
    bridge().call('timer.set', { id: timer.id, ms: interval, repeat });
  }
  static clear(timer) {
    if (timer === undefined || timer === null) return;
    bridge().off(`timer:${timer.id}`);
    bridge().call('timer.clear', { id: timer.id });
  }
  static delay() {
    throw new Error('Timer.delay blocks the device: the fakes do not support it');
  }
}
Object.freeze(Timer.prototype);
export default Timer;
