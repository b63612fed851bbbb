// Three bundles from one config:
//  - dist/core.js         the portable core as one self-contained ES module (no imports): what the XS tests load
//  - dist/cli.js          the Node CLI (host simulator + local cloud), commands split into dist/chunks/;
//                         npm packages and node: builtins stay external
//  - dist/device/*.js     the Moddable device app, library and platform modules; Moddable module specifiers stay external
import typescript from '@rollup/plugin-typescript';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';

const isBare = (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0');

function ts(tsconfig, extraInclude = []) {
  // The configs say noEmit for `tsc --noEmit` type-checks; rollup needs emitted JS in memory.
  return typescript({ tsconfig, noEmit: false, declaration: false, outDir: undefined, sourceMap: false, include: ['src/**/*.ts', 'hal/**/*.ts', 'host-sim/**/*.ts', ...extraInclude] });
}

const onwarn = (warning, warn) => {
  // A circular import or an unresolved import is a bug here, not a warning.
  if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'UNRESOLVED_IMPORT') throw new Error(warning.message);
  warn(warning);
};

// The local cloud's console page is plain HTML/CSS/JS: copied as they are to dist/console/.
const CONSOLE_STATIC = 'host-sim/cloud/console/static';
const copyConsoleFiles = {
  name: 'copy-console-files',
  generateBundle() {
    for (const file of readdirSync(CONSOLE_STATIC)) this.emitFile({ type: 'asset', fileName: `console/${file}`, source: readFileSync(`${CONSOLE_STATIC}/${file}`) });
  },
};

const bundles = [
  {
    input: 'src/index.ts',
    output: { file: 'dist/core.js', format: 'es' },
    // The core must not import anything: an import here means a platform dependency slipped in.
    external: () => false,
    plugins: [ts('tsconfig.json')],
    onwarn,
  },
  {
    input: 'host-sim/cli.ts',
    // Commands are dynamic imports (host-sim/cli.ts), so each lands in its own chunk and loads only when used.
    output: { dir: 'dist', entryFileNames: 'cli.js', chunkFileNames: 'chunks/[name]-[hash].js', format: 'es' },
    external: isBare,
    plugins: [ts('tsconfig.json'), copyConsoleFiles],
    onwarn,
  },
];

// The device bundles (hal/moddable) are built with the Moddable type configuration.
// The platform modules are bundled apart: manifest.json hands one of them to mcconfig as "tc-iot-platform"
// (NVS on the ESP32, files on the desktop simulators), so an ESP32 image carries no file-system code.
for (const [input, file] of [
  ['hal/moddable/main.ts', 'dist/device/main.js'],
  ['hal/moddable/index.ts', 'dist/device/tc-iot-device.js'],
  ['hal/moddable/platform/nvs.ts', 'dist/device/platform-nvs.js'],
  ['hal/moddable/platform/files.ts', 'dist/device/platform-files.js'],
]) {
  if (!existsSync(input)) continue;
  bundles.push({
    input,
    output: { file, format: 'es' },
    external: isBare,
    // The Moddable typings must be in the plugin's program too, or every Moddable import warns.
    plugins: [ts('tsconfig.moddable.json', ['node_modules/@moddable/typings/*.d.ts'])],
    onwarn,
  });
}

export default bundles;
