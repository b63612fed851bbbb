/**
 * The demo's pause for a person at a terminal: after the story, the cloud and its console stay up with the
 * demo device online (publishing a small reading every few seconds) so the user can open the console and
 * see the device, its registration, login and messages. Only when stdin and stdout are both terminals: a
 * script, a test or CI gets the demo that exits at once, as before. Bounded: it stops by itself.
 */
import type { HostMqttSession } from '../mqtt-session.js';

/** How long the cloud stays up at most, waiting for the user. */
export const DEMO_CONSOLE_MAX_MS = 30 * 60_000;
const PUBLISH_EVERY_MS = 5_000;

export function demoShouldWaitForUser(json: boolean, interactive: boolean): boolean {
  return !json && interactive && process.stdin.isTTY === true && process.stdout.isTTY === true;
}

/** Resolves when the user presses Enter or Ctrl-C, or after DEMO_CONSOLE_MAX_MS. Never rejects. */
export function waitWhileUserLooks(say: (line: string) => void, consoleUrl: string, session: HostMqttSession, topic: string): Promise<void> {
  say(`The cloud keeps running with the device online: open ${consoleUrl} to see it. Press Enter or Ctrl-C to stop.`);
  return new Promise((resolve) => {
    let count = 0;
    const publisher = setInterval(() => {
      count += 1;
      session.publish(topic, JSON.stringify({ reading: count, at: new Date().toISOString() })).catch(() => undefined);
    }, PUBLISH_EVERY_MS);
    const finish = (): void => {
      clearInterval(publisher);
      clearTimeout(limit);
      process.stdin.off('data', finish);
      process.off('SIGINT', finish);
      process.stdin.pause();
      resolve();
    };
    const limit = setTimeout(finish, DEMO_CONSOLE_MAX_MS);
    process.stdin.on('data', finish);
    process.once('SIGINT', finish);
    process.stdin.resume();
  });
}
