/**
 * A typed reference to a service the host provides to a plugin.
 * The phantom `T` carries the service type so `create(deps)` is typed without casts.
 */
export interface ServiceRef<T> {
  /** Stable id, e.g. `core.logger`; the host maps it to its container token. */
  readonly id: string;
  /** Phantom field: never read at run time. */
  readonly $type?: T;
}

/** Declares a typed service reference. */
export function createServiceRef<T>(options: { id: string }): ServiceRef<T> {
  return Object.freeze({ id: options.id });
}

/** Maps a record of service refs to the record of services they resolve to. */
export type ResolvedDeps<D extends Record<string, ServiceRef<unknown>>> = {
  [K in keyof D]: D[K] extends ServiceRef<infer T> ? T : never;
};
