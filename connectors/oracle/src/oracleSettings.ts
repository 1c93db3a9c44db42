/** TCPS (TLS) settings of an Oracle data source. */
export interface OracleTls {
  /** Folder holding `ewallet.pem` (an unencrypted PEM wallet) with the CA certificates to trust; the system CAs otherwise. */
  walletLocation?: string;
  /** Check that the server certificate's DN matches the host (or `sslServerCertDN`). Default true. */
  sslServerDNMatch?: boolean;
  /** The full DN the server certificate must carry. */
  sslServerCertDN?: string;
}

/** An Oracle data source's settings, as validated by the manifest's `dataSourceSchema`. */
export interface OracleSettings {
  /** Host name or IP address of the listener. */
  host: string;
  /** Listener port (1521 unless changed; 2484 is common for TCPS). */
  port?: number;
  /** The database service name (e.g. `FREEPDB1`, `orclpdb1.example.com`). */
  serviceName: string;
  /** Present: connect with TCPS (TLS). */
  tls?: OracleTls;
  /** Rows per fetch round trip; default: the job's batch size. */
  fetchArraySize?: number;
  /** Per-round-trip limit in milliseconds (oracledb `callTimeout`); 0 or absent: none. */
  statementTimeoutMs?: number;
  /** Largest CLOB/NCLOB (characters) or BLOB (bytes) value read; larger ones fail the query with CW_RESULT_TOO_LARGE. */
  maxLobSize?: number;
  /** Shown in v$session.module. */
  applicationName?: string;
}

/** The default listener port. */
export const defaultPort = 1521;

/** The default `maxLobSize`: 16 MiB. */
export const defaultMaxLobSize = 16 * 1024 * 1024;

/** The default module name. */
export const defaultApplicationName = 'causeway';
