/**
 * Which topics a device may use: its own tree `<pid>/<name>/…` and Tencent's per-device system topics
 * (`$thing/…`, `$shadow/…`, `$ota/…` that end in `/<pid>/<name>`). Wildcards are allowed only below the
 * device's own prefix, so a filter can never reach another device's messages.
 */
const SYSTEM_PREFIXES = ['$thing/', '$shadow/', '$ota/'] as const;

function hasWildcard(text: string): boolean {
  return text.includes('+') || text.includes('#');
}

/** True when `topic` (a topic name, or a filter when subscribing) belongs to device `<productId><deviceName>`. */
export function deviceMayUseTopic(productId: string, deviceName: string, topic: string): boolean {
  const own = `${productId}/${deviceName}/`;
  if (topic.startsWith(own)) return topic.length > own.length;
  const suffix = `/${productId}/${deviceName}`;
  for (const prefix of SYSTEM_PREFIXES) {
    if (topic.startsWith(prefix) && topic.endsWith(suffix)) {
      const middle = topic.slice(prefix.length, topic.length - suffix.length);
      // `$thing/down/property/<pid>/<name>`: at least one level between prefix and device, no wildcard.
      return middle.length > 0 && !hasWildcard(middle) && !middle.split('/').some((level) => level.length === 0);
    }
  }
  return false;
}
