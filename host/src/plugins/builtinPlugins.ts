/** The packages whose plugins ship with the host; their manifests are found through module resolution. */
export const builtinPluginPackages = [
  '@causeway/spooler-memory',
  '@causeway/spooler-disk',
  '@causeway/transport-websocket',
  '@causeway/transport-amqp',
  '@causeway/connector-postgres',
  '@causeway/connector-mysql',
  '@causeway/connector-analysis-services',
  '@causeway/connector-sap-hana',
  '@causeway/connector-oracle',
  '@causeway/connector-sqlserver',
  '@causeway/auth-stored-credential',
  '@causeway/auth-saml',
  '@causeway/auth-entra-sso',
  '@causeway/auth-kerberos-kcd',
] as const;
