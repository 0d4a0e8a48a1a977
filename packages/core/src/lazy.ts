/**
 * A module loaded on its first use and kept. `import()` asks the module loader again on every
 * call, even for a module it already has (measured: about 20 µs a call in a Lambda bundle, 540 µs
 * under tsx), which a request should not pay for a module the process loaded long ago. A failed
 * load is not kept, so the next call tries again.
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
