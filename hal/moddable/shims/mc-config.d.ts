/**
 * `mc/config`: the manifest's "config" object (mcconfig command-line `key=value` pairs override it, as
 * strings). @moddable/typings declares it in mc/config.d.ts, a sub-folder tsconfig.moddable.json does not
 * include; this one-line declaration avoids widening that config.
 */
declare module 'mc/config' {
  const config: Record<string, unknown>;
  export default config;
}
