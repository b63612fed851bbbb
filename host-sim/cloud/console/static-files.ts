/**
 * The console page's files: plain HTML, CSS and JS written by hand in host-sim/cloud/console/static/, no
 * build step and nothing fetched at run time. From the sources (tsx) they are read next to this module;
 * in the package, rollup copies them to dist/console/ (rollup.config.mjs) and this module lives in
 * dist/chunks/ or dist/. The first folder that holds index.html wins.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path → file name and content type. Only these are served. */
export const STATIC_FILES: Readonly<Record<string, { file: string; type: string }>> = Object.freeze({
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
});
export const OPENAPI_FILE = 'openapi.json';

const CANDIDATES = ['./static/', '../console/', './console/'];

let folder: string | undefined;

export function staticFolder(): string {
  if (folder !== undefined) return folder;
  for (const candidate of CANDIDATES) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${path}index.html`)) {
      folder = path;
      return path;
    }
  }
  throw new Error('the console page files are missing (expected next to the cloud code, or in dist/console/)');
}

const cache = new Map<string, Buffer>();

/** A file's bytes (read once, then kept). */
export async function staticFile(file: string): Promise<Buffer> {
  const cached = cache.get(file);
  if (cached) return cached;
  const bytes = await readFile(`${staticFolder()}${file}`);
  cache.set(file, bytes);
  return bytes;
}
