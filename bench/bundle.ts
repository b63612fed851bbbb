/** Bundling and minifying for the benchmark: esbuild to resolve and bundle, rollup + terser to minify. */
import terser from '@rollup/plugin-terser';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
  // crypto-js probes `require('crypto')` inside a try/catch (for its random generator, unused here).
  external: ['crypto'],
};

/** One self-contained ES module from a TypeScript/JavaScript entry file (node_modules resolved and included). */
export async function bundleFile(entryPath: string): Promise<string> {
  const result = await build({ ...common, entryPoints: [entryPath] });
  return onlyOutput(result.outputFiles);
}

/** One self-contained ES module from entry source text; relative paths resolve against `resolveDir`. */
export async function bundleSource(contents: string, resolveDir: string = REPO_ROOT): Promise<string> {
  const result = await build({ ...common, stdin: { contents, resolveDir, loader: 'ts', sourcefile: 'entry.ts' } });
  return onlyOutput(result.outputFiles);
}

function onlyOutput(files: { text: string }[] | undefined): string {
  const file = files?.[0];
  if (file === undefined) throw new Error('esbuild produced no output');
  return file.text;
}

/** Terser (through @rollup/plugin-terser, the project's own minifier), default options, ES module output. */
export async function minify(moduleSource: string): Promise<string> {
  const id = '\0bench-entry';
  const bundle = await rollup({
    input: id,
    plugins: [
      {
        name: 'bench-entry',
        resolveId: (source) => (source === id ? id : null),
        load: (loaded) => (loaded === id ? moduleSource : null),
      },
      terser(),
    ],
    onwarn: () => {},
  });
  try {
    const { output } = await bundle.generate({ format: 'es' });
    const chunk = output[0];
    if (chunk === undefined) throw new Error('rollup produced no output');
    return chunk.code;
  } finally {
    await bundle.close();
  }
}

export function gzipBytes(text: string): number {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 }).length;
}
