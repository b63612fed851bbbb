// Fake Moddable "timer": Timer.set/repeat/schedule/clear, run by real timers on the Node side.
// Semantics of modules/base/timer/modTimer.c (SDK 8.2.3): a one-shot timer is released right after its callback
// returns, and Timer.clear releases a timer too; scheduling a released timer throws ("C: xsGetHostData:
// invalid", from xsmcGetHostDataValidate), but Timer.clear of a released timer does nothing (xs_timer_clear
// reads the host data with xsGetHostDataIf and returns on NULL) — checked against the real module on the
// simulator (test/moddable/conformance.sim.ts); an earlier fake threw there. Timer.clear(undefined / null / any
// non-object) does nothing. Clearing a timer from inside its own callback is allowed.
const bridge = () => globalThis.__fakeBridge;
let nextId = 1;

function released() {
  return new SyntaxError('C: xsGetHostData: invalid');
}

class Timer {
  static set(callback, interval = 0, repeat = 0) {
    const timer = { id: nextId++, callback, repeat, released: false };
    bridge().on(`timer:${timer.id}`, () => {
      if (!timer.repeat) bridge().off(`timer:${timer.id}`);
      try {
        timer.callback(timer);
      } finally {
        if (!timer.repeat) timer.released = true;
      }
    });
    bridge().call('timer.set', { id: timer.id, ms: interval, repeat });
    return timer;
  }
  static repeat(callback, interval) {
    return Timer.set(callback, interval, interval);
  }
  static schedule(timer, interval = 0, repeat = 0) {
    if (timer === null || typeof timer !== 'object' || timer.released) throw released();
    timer.repeat = repeat;
    bridge().call('timer.set', { id: timer.id, ms: interval, repeat });
  }
  static clear(timer) {
    if (timer === null || typeof timer !== 'object' || timer.released) return;
    timer.released = true;
    bridge().off(`timer:${timer.id}`);
    bridge().call('timer.clear', { id: timer.id });
  }
  static delay() {
    throw new Error('Timer.delay blocks the device: the fakes do not support it');
  }
}
Object.freeze(Timer.prototype);
export default Timer;
