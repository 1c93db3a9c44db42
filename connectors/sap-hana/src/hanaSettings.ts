/** An SAP HANA data source's settings, as validated by the manifest's `dataSourceSchema`. */
export interface HanaSettings {
  /** Host name or IP address of the SQL port (for a tenant named by `databaseName`: of the system database). */
  host: string;
  /** SQL port: 3<nn>15 (single container), 3<nn>13 (system database, with `databaseName`), 3<nn>41+ (a tenant's own port). */
  port?: number;
  /** Tenant database name on a multi-tenant system: the system database at host:port redirects to it. */
  databaseName?: string;
  /** TLS on the connection (certificates checked unless `rejectUnauthorized` is false). */
  useTLS?: boolean;
  /** Path of a PEM file with the CA certificates to trust (only these; requires `useTLS`). */
  ca?: string;
  /** Whether the server's certificate must chain to a trusted CA and match the host name. */
  rejectUnauthorized?: boolean;
  /** Default schema, set with SET SCHEMA after logon. */
  schema?: string;
  /** Rows per FETCH round trip (default: the job's batch size, at most 32767). */
  fetchSize?: number;
  /** Largest LOB value read, in bytes (BLOB) or characters (CLOB, NCLOB); larger fail with CW_RESULT_TOO_LARGE. */
  maxLobBytes?: number;
}

/** The default SQL port: instance 00, single-container system (HANA Express tenants use 39041 and up). */
export const defaultPort = 30015;

/** The default cap on one LOB value. */
export const defaultMaxLobBytes = 16 * 1024 * 1024;

/** The largest fetch size hdb accepts (ResultSet.MAX_FETCH_SIZE). */
export const maxFetchSize = 32767;
