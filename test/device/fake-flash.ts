/**
 * The NVS flash behind the fake `preference` module, kept on the Node side so that it outlives a reboot
 * (a fresh XS machine) and so that a test can cut the power after any single write step.
 *
 * Steps, as Moddable documents `Preference`: `set` = erase the old value, then write the new one (two steps:
 * a cut between them loses both); `delete` = one step. Each step is atomic (NVS writes entries with their own
 * CRC). After `cutAfter` steps the flash takes no more writes: everything the device does later is lost, as
 * it would be with the power gone.
 */
export type FlashValue =
  | { type: 'boolean'; value: boolean }
  | { type: 'integer'; value: number }
  | { type: 'string'; value: string }
  | { type: 'buffer'; value: Uint8Array };

export class FakeFlash {
  readonly #entries = new Map<string, FlashValue>();
  /** Write steps applied so far. */
  steps = 0;
  /** Stop applying steps once `steps` reaches this (undefined: never). */
  cutAfter: number | undefined;
  /** Every step attempted, applied or not, for diagnostics: 'erase a.h', 'write a.0', 'delete b.h'. */
  readonly log: string[] = [];

  static #name(domain: string, key: string): string {
    return `${domain}\u0000${key}`;
  }

  get powerCut(): boolean {
    return this.cutAfter !== undefined && this.steps >= this.cutAfter;
  }

  #step(description: string, apply: () => void): void {
    this.log.push(description);
    if (this.powerCut) return;
    apply();
    this.steps += 1;
  }

  get(domain: string, key: string): FlashValue | undefined {
    const entry = this.#entries.get(FakeFlash.#name(domain, key));
    return entry === undefined ? undefined : clone(entry);
  }

  set(domain: string, key: string, value: FlashValue): void {
    const name = FakeFlash.#name(domain, key);
    this.#step(`erase ${key}`, () => this.#entries.delete(name));
    this.#step(`write ${key}`, () => this.#entries.set(name, clone(value)));
  }

  delete(domain: string, key: string): void {
    const name = FakeFlash.#name(domain, key);
    this.#step(`delete ${key}`, () => this.#entries.delete(name));
  }

  keys(domain: string): string[] {
    const prefix = `${domain}\u0000`;
    return [...this.#entries.keys()].filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length));
  }

  /** What survives the power cut: the applied steps only, with a fresh step counter (the next boot). */
  snapshot(): FakeFlash {
    const copy = new FakeFlash();
    for (const [name, value] of this.#entries) copy.#entries.set(name, clone(value));
    return copy;
  }

  get size(): number {
    return this.#entries.size;
  }
}

function clone(value: FlashValue): FlashValue {
  return value.type === 'buffer' ? { type: 'buffer', value: new Uint8Array(value.value) } : { ...value };
}
