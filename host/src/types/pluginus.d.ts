// Types for pluginus (it ships none): only the surface Causeway uses.
declare module 'pluginus' {
  export class Capability {
    constructor(name: string, properties?: Record<string, unknown>);
    getName(): string;
    getProperties(): Record<string, unknown>;
  }
  export class Observable {
    bind(event: string, callback: (...args: unknown[]) => unknown): unknown;
    unbind(event: string, callback?: (...args: unknown[]) => unknown): void;
    trigger(event: string, ...args: unknown[]): Promise<unknown[]>;
  }
  export class Plugin extends Observable {
    constructor(owner: PluginManager);
    name: string;
    version: string;
    description: string | null;
    owner: PluginManager;
    loaded: boolean;
    load(): Promise<void>;
    unload(): Promise<void>;
    getName(): string;
    getVersion(): string;
    getCapabilities(): Capability[];
    isLoaded(): boolean;
  }
  export class PluginManager extends Observable {
    constructor(capabilities?: string[]);
    plugins: Plugin[];
    registerPlugin(pluginClass: new (owner: PluginManager) => Plugin): void;
    loadPlugin(plugin: Plugin, persist?: boolean): Promise<void>;
    unloadPlugin(plugin: Plugin, persist?: boolean): Promise<void>;
    unload(): Promise<void>;
    getPluginByName(name: string, options?: { load?: boolean; persist?: boolean }): Promise<Plugin | null>;
    getPluginsByCapability(capability: string, options?: { load?: boolean; persist?: boolean }): Promise<Plugin[]>;
    getLoadedPlugins(): Plugin[];
  }
}
