/** TLS settings of a PostgreSQL data source. */
export interface PostgresSsl {
  /** `disable`: plain TCP; `require`: TLS without certificate checks; `verify-full`: TLS, certificate and host name checked. */
  mode: 'disable' | 'require' | 'verify-full';
  /** Path of a PEM file with the CA certificates to trust (for `verify-full`). */
  ca?: string;
}

/** A PostgreSQL data source's settings, as validated by the manifest's `dataSourceSchema`. */
export interface PostgresSettings {
  /** Host name, IP address, or a Unix socket directory (starting with `/`). */
  host: string;
  port?: number;
  database: string;
  ssl?: PostgresSsl;
  /** Shown in `pg_stat_activity.application_name`. */
  applicationName?: string;
  /** Server-side `statement_timeout` for every statement, in milliseconds. */
  statementTimeoutMs?: number;
}

/** The default PostgreSQL port. */
export const defaultPort = 5432;

/** The default `application_name`. */
export const defaultApplicationName = 'causeway';
