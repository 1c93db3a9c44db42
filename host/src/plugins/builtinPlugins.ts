/** The packages whose plugins ship with the host; their manifests are found through module resolution. */
export const builtinPluginPackages = [
  '@causeway/spooler-memory',
  '@causeway/spooler-disk',
  '@causeway/transport-websocket',
  '@causeway/connector-postgres',
  '@causeway/auth-stored-credential',
] as const;
