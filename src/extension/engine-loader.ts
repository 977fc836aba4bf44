/**
 * Loads the engine bundle (engine-bundle.ts, built as dist/engine.js beside dist/extension.js) on first need. The
 * require below is synchronous and runs once: the first caller pays for compiling the bundle, every later one gets
 * the module. scripts/build.mjs leaves `./engine-bundle` out of dist/extension.js and points it at `./engine.js`;
 * from the sources (unit tests under tsx) it is the TypeScript module itself.
 *
 * A bundle that fails to load (a broken install) is reported once through the observer, and every later call
 * throws the same error: callers log it, nothing is analysed, nothing fails silently.
 */
import type * as EngineBundleModule from './engine-bundle';

export type EngineBundle = typeof EngineBundleModule;

export interface EngineLoadObserver {
  loaded(ms: number): void;
  failed(err: unknown): void;
}

let bundle: EngineBundle | undefined;
let failure: { err: unknown } | undefined;
let observer: EngineLoadObserver | undefined;

/** Who hears of the load (the extension's log); set at activation, before anything can load the bundle. */
export function observeEngineLoad(o: EngineLoadObserver | undefined): void {
  observer = o;
}

/** The engine bundle, loaded now if it was not yet. Throws when it cannot be loaded. */
export function engine(): EngineBundle {
  if (bundle) return bundle;
  if (failure) throw failure.err;
  const started = performance.now();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    bundle = require('./engine-bundle') as EngineBundle;
  } catch (err) {
    failure = { err };
    observer?.failed(err);
    throw err;
  }
  observer?.loaded(performance.now() - started);
  return bundle;
}

/** Whether the engine bundle is loaded (no load is started). */
export function engineLoaded(): boolean {
  return bundle !== undefined;
}
