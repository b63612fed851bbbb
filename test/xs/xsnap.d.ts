// Types for the part of @agoric/xsnap (0.15, plain JS with no declarations) that test/xs/xs-host.ts uses.
// Shapes follow node_modules/@agoric/xsnap/src/xsnap.js.
declare module '@agoric/xsnap' {
  import type { spawn } from 'node:child_process';

  export interface XsnapMeterUsage {
    meterType: string;
    /** Deterministic work count of the crank (one evaluate / issueCommand). */
    compute: number | null;
    /** Bytes of heap (slots + chunks) the machine has reserved so far; grows, never shrinks. */
    allocate: number | null;
    /** Slots in use, as counted at the last garbage collection. */
    currentHeapCount: number | null;
    timestamps: number[] | null;
  }

  export interface RunResult<T> {
    reply: T;
    meterUsage: XsnapMeterUsage;
  }

  export interface XsnapOptions {
    os: string;
    spawn: typeof spawn;
    fs: object;
    name?: string;
    handleCommand?: (request: Uint8Array) => Promise<Uint8Array> | Uint8Array;
    debug?: boolean;
    meteringLimit?: number;
    stdout?: 'ignore' | 'inherit' | 'pipe';
    stderr?: 'ignore' | 'inherit' | 'pipe';
  }

  export interface XsnapWorker {
    readonly name: string;
    evaluate(code: string): Promise<RunResult<Uint8Array>>;
    issueCommand(message: Uint8Array): Promise<RunResult<Uint8Array>>;
    issueStringCommand(message: string): Promise<RunResult<string>>;
    isReady(): Promise<void>;
    close(): Promise<void>;
    terminate(): Promise<void>;
    makeSnapshotStream(description?: string): AsyncGenerator<Uint8Array, void, undefined>;
  }

  export function xsnap(options: XsnapOptions): Promise<XsnapWorker>;
}
