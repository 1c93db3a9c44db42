/** TLS settings of a MySQL / MariaDB data source. */
export interface MysqlSsl {
  /** `disable`: plain TCP; `require`: TLS without certificate checks; `verify-full`: TLS, certificate and host name checked. */
  mode: 'disable' | 'require' | 'verify-full';
  /** Path of a PEM file with the CA certificates to trust (for `verify-full`). */
  ca?: string;
}

/** The utf8mb4 collations a session may use (ids below 256: the handshake carries one byte). */
export const mysqlCollations = ['utf8mb4_general_ci', 'utf8mb4_bin', 'utf8mb4_unicode_ci', 'utf8mb4_unicode_520_ci', 'utf8mb4_0900_ai_ci'] as const;

/** A utf8mb4 collation for the session. */
export type MysqlCollation = (typeof mysqlCollations)[number];

/** A MySQL / MariaDB data source's settings, as validated by the manifest's `dataSourceSchema`. */
export interface MysqlSettings {
  /** Host name or IP address. */
  host: string;
  port?: number;
  /** The session's default database (schema); without it, queries name tables as `db.table`. */
  database?: string;
  ssl?: MysqlSsl;
  /** The connection character set and collation; always utf8mb4, so 4-byte UTF-8 survives. */
  charset?: MysqlCollation;
  /** The session `time_zone`. Fixed at UTC so TIMESTAMP values are exact UTC instants. */
  timeZone?: '+00:00';
  /** Sent as the `program_name` connection attribute. */
  applicationName?: string;
  /** More connection attributes (performance_schema.session_connect_attrs). */
  connectAttributes?: Record<string, string>;
  /** Server-side limit for every statement, in milliseconds (0: none). */
  statementTimeoutMs?: number;
  /** The session's `net_write_timeout`: how long the server waits on a paused consumer before giving up. */
  netWriteTimeoutSeconds?: number;
  /** Whether `tinyint(1)` columns (the BOOL convention) are returned as booleans (default) or as int16. */
  tinyint1AsBoolean?: boolean;
}

/** The default MySQL port. */
export const defaultPort = 3306;

/** The default `program_name` connection attribute. */
export const defaultApplicationName = 'causeway';

/** mysql2's own default, and the broadest utf8mb4 collation both servers know. */
export const defaultCollation: MysqlCollation = 'utf8mb4_unicode_ci';

/**
 * The default session `net_write_timeout` in seconds. The connector stops reading while the host
 * digests a batch (backpressure); the server's own default of 60 s would cut a result whose consumer
 * pauses for longer.
 */
export const defaultNetWriteTimeoutSeconds = 600;
