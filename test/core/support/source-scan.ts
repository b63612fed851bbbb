/**
 * A small lexer for the architecture test: blanks out comments (and, on request, the contents of string,
 * template and regular-expression literals) while keeping every other character and every newline in place,
 * so documentation may mention `Buffer` or `process` and line numbers still match.
 */

/** Tokens after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

export function blankOut(source: string, options: { strings: boolean }): string {
  const out = source.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  /** Stack of open contexts: 'template' for a template literal, or a number = brace depth of a `${` block. */
  const stack: ('template' | number)[] = [];
  let i = 0;
  let lastSignificant = '';
  let lastWord = '';
  const n = source.length;

  const scanQuoted = (quote: string): void => {
    const start = i;
    i++;
    while (i < n && source[i] !== quote && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
    i++;
    if (options.strings) blank(start + 1, Math.min(i - 1, n));
    lastSignificant = quote;
    lastWord = '';
  };

  /** Scans template text from i (just after ` or }) up to the closing ` or the next ${. */
  const scanTemplateText = (): void => {
    const start = i;
    while (i < n) {
      if (source[i] === '\\') { i += 2; continue; }
      if (source[i] === '`') {
        if (options.strings) blank(start, i);
        i++;
        stack.pop();
        lastSignificant = '`';
        return;
      }
      if (source[i] === '$' && source[i + 1] === '{') {
        if (options.strings) blank(start, i);
        i += 2;
        stack.push(0);
        lastSignificant = '{';
        return;
      }
      i++;
    }
    if (options.strings) blank(start, n);
  };

  while (i < n) {
    const top = stack[stack.length - 1];
    if (top === 'template') { scanTemplateText(); continue; }
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") { scanQuoted(c); continue; }
    if (c === '`') { i++; stack.push('template'); continue; }
    if (c === '/' && (REGEX_AFTER.has(lastSignificant) || REGEX_AFTER_WORDS.has(lastWord))) {
      const start = i;
      i++;
      let inClass = false;
      while (i < n && source[i] !== '\n') {
        const d = source[i];
        if (d === '\\') { i += 2; continue; }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        i++;
      }
      i++;
      if (options.strings) blank(start + 1, Math.min(i - 1, n));
      lastSignificant = ')'; // a regex literal is a value: a following '/' divides
      lastWord = '';
      continue;
    }
    if (typeof top === 'number') {
      if (c === '{') stack[stack.length - 1] = top + 1;
      else if (c === '}') {
        if (top === 0) { stack.pop(); i++; continue; } // back into the template text
        stack[stack.length - 1] = top - 1;
      }
    }
    if (/\s/.test(c)) { i++; continue; }
    if (/[\w$]/.test(c)) {
      let j = i;
      while (j < n && /[\w$]/.test(source[j]!)) j++;
      lastWord = source.slice(i, j);
      lastSignificant = 'w';
      i = j;
      continue;
    }
    lastSignificant = c;
    lastWord = '';
    i++;
  }
  return out.join('');
}

export interface Violation {
  file: string;
  line: number;
  what: string;
}

/** Platform globals the portable core must not name (MODDABLE.md, ARCHITECTURE.md rule 1). */
export const FORBIDDEN_GLOBALS = Object.freeze([
  'Buffer', 'process', 'console', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate',
  'queueMicrotask', 'TextEncoder', 'TextDecoder', 'atob', 'btoa', 'crypto', 'fetch', 'require', 'globalThis', 'window', 'global',
  'self', 'document', 'navigator', 'performance', 'module', 'exports', '__dirname', '__filename', 'Date', 'eval', 'trace',
  'XMLHttpRequest', 'WebSocket', 'Deno', 'Bun',
]);

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let k = 0; k < index; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

/**
 * Every rule break in one file of src/. `file` is the path relative to the repository root (e.g.
 * "src/protocol/payload.ts"); `exists` says whether a repository-relative path exists (for resolving imports).
 */
export function checkCoreSource(file: string, source: string): Violation[] {
  const found: Violation[] = [];
  const noComments = blankOut(source, { strings: false });
  const code = blankOut(source, { strings: true });
  const dir = file.slice(0, file.lastIndexOf('/'));

  const importPattern = /\b(import|export)(\s+type)?\b([^;'"`]*?)\bfrom\s*(['"])([^'"]*)\4|\bimport\s*(['"])([^'"]*)\6/g;
  for (let m = importPattern.exec(noComments); m !== null; m = importPattern.exec(noComments)) {
    const specifier = m[5] ?? m[7] ?? '';
    const typeOnly = m[2] !== undefined;
    const line = lineOf(noComments, m.index);
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
      found.push({ file, line, what: `imports a package or platform module '${specifier}'` });
      continue;
    }
    if (!specifier.endsWith('.js')) found.push({ file, line, what: `relative import '${specifier}' lacks the .js suffix` });
    const parts = `${dir}/${specifier}`.split('/');
    const resolved: string[] = [];
    for (const part of parts) {
      if (part === '..') resolved.pop();
      else if (part !== '.' && part !== '') resolved.push(part);
    }
    const target = resolved.join('/').replace(/\.js$/, '.ts');
    if (target === 'hal/hal.ts') {
      if (!typeOnly) found.push({ file, line, what: "imports hal/hal.ts without 'import type'" });
    } else if (!target.startsWith('src/')) {
      found.push({ file, line, what: `imports '${specifier}' from outside src/` });
    }
  }
  for (const m of code.matchAll(/\bimport\s*\(/g)) found.push({ file, line: lineOf(code, m.index), what: 'uses a dynamic import()' });
  for (const m of code.matchAll(/\bimport\s*\.\s*meta\b/g)) found.push({ file, line: lineOf(code, m.index), what: 'uses import.meta' });
  for (const m of code.matchAll(/\bMath\s*\.\s*random\b/g)) found.push({ file, line: lineOf(code, m.index), what: 'uses Math.random (randomness comes from the HAL)' });

  for (const name of FORBIDDEN_GLOBALS) {
    // Not after a dot (a property named like a global is fine), not part of a longer identifier.
    const pattern = new RegExp(`(?<![.$\\w])${name}(?![$\\w])`, 'g');
    for (const m of code.matchAll(pattern)) {
      // Object keys (`{ process: 1 }`) and `?.`-access are not references to the global either.
      const before = code.slice(0, m.index).trimEnd();
      const after = code.slice(m.index + name.length).trimStart();
      if (before.endsWith('?.')) continue;
      if (after.startsWith(':') && !after.startsWith('::') && /[{,]$/.test(before)) continue;
      found.push({ file, line: lineOf(code, m.index), what: `names the platform global '${name}'` });
    }
  }
  for (const m of noComments.matchAll(/(['"])node:[^'"]*\1/g)) found.push({ file, line: lineOf(noComments, m.index), what: 'mentions a node: module' });
  return found;
}
