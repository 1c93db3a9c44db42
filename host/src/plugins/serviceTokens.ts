import { CausewayError, type ServiceRef } from '@causeway/sdk';
import type { DependencyContainer } from 'tsyringe';

/** Registers a service value under its typed ref in a container. */
export function provide<T>(container: DependencyContainer, ref: ServiceRef<T>, value: T): void {
  container.register(ref.id, { useValue: value });
}

/** Resolves a plugin's `deps` record from its container; an unknown service is a load failure naming it. */
export function resolveDeps(container: DependencyContainer, deps: Record<string, ServiceRef<unknown>>, pluginId: string): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [key, ref] of Object.entries(deps)) {
    if (!ref || typeof ref.id !== 'string' || !container.isRegistered(ref.id, true)) {
      throw new CausewayError('CW_PLUGIN_LOAD_FAILED', `plugin "${pluginId}" asks for service "${String(ref?.id)}" (deps.${key}), which this host does not provide`);
    }
    resolved[key] = container.resolve(ref.id);
  }
  return resolved;
}
