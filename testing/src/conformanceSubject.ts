import type { ColumnType, ConnectionIdentity, Row, Value } from '@causeway/sdk';

/** A data-source address the kit can move (to put its own TCP proxy in front of the server). */
export interface ServerAddress {
  host: string;
  port: number;
}

/** One claimed column type and how to prove it: literal values read back, and (optionally) the same values sent as parameters. */
export interface TypeCase {
  /** The portable type the connector must report for the column. */
  type: ColumnType;
  /** The server's type name the connector reports as `nativeType` (compared case-insensitively), when it reports one. */
  nativeType?: string;
  /** A query returning exactly one column of this type, one row per entry of `expected`, in that order (include edge values and a NULL). */
  sql: string;
  /** The values the connector must yield, in the SDK's exact value forms (bigint for int64, decimal strings, ...). */
  expected: Value[];
  /**
   * A query with one parameter that returns it as one column of this type. The kit sends each
   * non-null entry of `expected` and requires the same value back. Omit when the server cannot take
   * that type as a parameter.
   */
  echoSql?: string;
  /** The values `echoSql` is tried with, when not every entry of `expected` can be sent as a parameter (default: the non-null entries of `expected`). */
  echoValues?: Value[];
}

/** A parameterised query and the rows it must return. */
export interface ParameterCase {
  name: string;
  sql: string;
  parameters: Value[];
  expected: Row[];
}

/** The SQL (or DAX/MDX) the kit runs, in the data source's dialect. */
export interface ConformanceQueries {
  /** One case per type the connector claims in its manifest (`connector.columnTypes`); the kit fails if a claimed type has no case. */
  types: TypeCase[];
  /** One row whose every column is NULL, of several types; the kit requires `columns` columns and every value `null`. */
  nulls: { sql: string; columns: number };
  /** At least one case; cover several value types and a parameter used twice when the dialect allows. */
  parameters: ParameterCase[];
  /**
   * A query returning `rows` rows whose first column is the integers 1..rows in order (as number or
   * bigint) and whose other columns make each row at least 100 bytes on the wire. `marker` must
   * appear in the statement text the server sees (a comment or an alias), so `runningStatements`
   * can find it.
   */
  series(rows: number, marker: string): string;
  /** A query that runs for `seconds` on the server before returning one row; carries `marker` like `series`. */
  sleep(seconds: number, marker: string): string;
  /** A statement the server rejects, with the server's code the connector must put in `serverCode`. */
  error: { sql: string; serverCode: string | RegExp };
}

/** What a connector author gives the kit to run the conformance suite against a live server (or a protocol fixture). */
export interface ConformanceSubject<S = Record<string, unknown>> {
  /** Shown in the suite's name: "PostgreSQL", "MariaDB 10.11". */
  name: string;
  /** The connector's plugin folder (holding plugin.json and package.json). The kit loads the plugin through the host's own plugin runtime. */
  pluginDirectory: string;
  /** Valid data-source settings for the server under test. */
  settings: S;
  /** The identity every query runs as. */
  identity: ConnectionIdentity;
  /** Returns `settings` pointed at another host and port (the kit's proxy, an unused port, an unknown host). */
  withAddress(settings: S, address: ServerAddress): S;
  /** The server's own address (where `settings` point). */
  address: ServerAddress;
  /** Settings the data-source schema must reject, each with the JSON pointer the error must name (e.g. `/port`). */
  invalidSettings: { settings: unknown; pointer: string }[];
  /** An identity the server refuses (wrong password): the test connection must fail with CW_AUTH_DENIED. Omit only when the server cannot refuse one. */
  wrongIdentity?: ConnectionIdentity;
  queries: ConformanceQueries;
  /**
   * How many statements carrying `marker` the server is running now (pg_stat_activity,
   * information_schema.processlist, a fixture's own count). The kit uses it to prove that
   * cancellation and deadlines stop the work on the server. Required.
   */
  runningStatements(marker: string): Promise<number>;
  /** Rows in the large result (default 300,000; at least 100 bytes each, so at least 30 MB). */
  largeRows?: number;
  /** Upper bound for each connect-failure case (default 10,000 ms). */
  failWithinMs?: number;
  /** Called once after the suite (close admin connections, fixtures). */
  teardown?(): Promise<void>;
}
