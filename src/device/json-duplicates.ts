/**
 * Finds a key that appears twice in one JSON object. JSON.parse keeps the last one silently, so a file with
 * `"deviceSecret"` twice would be read with one value and written back without the other: such a file is
 * ambiguous, and the device-info reader refuses it. The text must already be valid JSON (JSON.parse
 * accepted it); this walks it once, comparing keys after their escapes are decoded.
 */

/** The first repeated key as `{ key, where }` (where: the enclosing object's key, or '' at the top), or undefined. */
export function findDuplicateKey(text: string): { key: string; where: string } | undefined {
  // One frame per open object or array: the object's keys seen so far (null for an array), whether the next
  // string is a key, and the key this container is the value of.
  const stack: { keys: Set<string> | null; expectKey: boolean; name: string }[] = [];
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top !== undefined && top.keys !== null && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, where: top.name };
        top.keys.add(key);
        top.expectKey = false;
        lastKey = key;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), expectKey: true, name: lastKey });
    } else if (c === 0x5b /* [ */) {
      stack.push({ keys: null, expectKey: false, name: lastKey });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.keys !== null) top.expectKey = true;
    }
  }
  return undefined;
}
