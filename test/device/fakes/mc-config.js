// Fake "mc/config": the manifest config (with command-line overrides), from the boot settings.
export default Object.freeze({ ...globalThis.__fakeBridge.boot.config });
