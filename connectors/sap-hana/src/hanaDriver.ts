// The driver boundary: the small part of hdb (SAP's pure-JS HANA client) the connector calls.
// Production code gets it from `loadHdbDriver` (a lazy import of hdb); tests give a fake with the
// same behaviour where the connector depends on it (src/testing/createFakeHdb.ts). Names and
// shapes follow hdb's own API (lib/Client.js, lib/protocol/Statement.js, ResultSet.js, Lob.js).
import type { Readable } from 'node:stream';

/** Options of `hdb.createClient` the connector sets. None of them is a secret. */
export interface HanaClientOptions {
  host: string;
  port: number;
  /** Tenant database name: hdb asks the system database at host:port where it runs, then connects there. */
  databaseName?: string;
  /** TLS with Node's trusted certificates (or `ca`). */
  useTLS?: boolean;
  /** PEM certificates to trust; hdb switches TLS on whenever this key is present. */
  ca?: string[];
  /** Whether hdb adds the SAP HANA Cloud root certificates to `ca` (default true in hdb). */
  sslHanaCloudCertificates?: boolean;
  rejectUnauthorized?: boolean;
  /** Milliseconds to wait for the server's answer to the protocol initialisation (default 5000 in hdb). */
  initializationTimeout: number;
  /** Rows as arrays in column order, not objects keyed by column name (duplicate names would collide). */
  rowsAsArray: true;
  /** Rows per FETCH round trip (at most 32767). */
  fetchSize: number;
  /** The highest data format version to ask the server for (1-9); see `hanaDataFormat`. */
  dataFormatSupport: number;
  /** Session variables (`SESSIONVARIABLE:APPLICATION`) shown in M_SESSION_CONTEXT. */
  [sessionVariable: `SESSIONVARIABLE:${string}`]: string;
}

/** What `client.connect` is given: the only place a secret reaches the driver. */
export type HanaLogon = { user: string; password: string } | { assertion: string };

/** An error the server reported (hdb's SqlError): `code` is HANA's error number, `sqlState` the five-character SQLSTATE. */
export interface HanaSqlError extends Error {
  code: number;
  sqlState: string;
  /** 0 warning, 1 error, 2 fatal (the session is gone). */
  level?: number;
  /** Character position in the statement, when the server gives one. */
  position?: number;
  fatal?: boolean;
}

/** Column metadata of a result set (hdb's ResultSetMetadata.Column). */
export interface HanaColumnMetadata {
  /** HANA type code (hdb's common.TypeCode). */
  dataType: number;
  /** Scale of DECIMAL; 32767 for a floating DECIMAL or SMALLDECIMAL. */
  fraction: number;
  length: number;
  /** Bit set of hdb's ParameterMode: 1 mandatory (NOT NULL), 2 optional (nullable). */
  mode: number;
  columnDisplayName: string;
  columnName?: string;
  tableName?: string;
  schemaName?: string;
}

/** Parameter metadata of a prepared statement (hdb's ParameterMetadata). */
export interface HanaParameterMetadata {
  dataType: number;
  /** 1 in, 2 in/out, 4 out (hdb's IoType). */
  ioType: number;
  fraction: number;
  length: number;
  name?: string;
}

/** A large object value: read with READ_LOB round trips of its own. */
export interface HanaLob {
  /** Characters for CLOB and NCLOB, bytes for BLOB. */
  readonly length: number;
  /** A stream of the raw bytes (CESU-8 for character LOBs), or null once reading started. */
  createReadStream(): Readable | null;
}

/** An open server-side cursor. */
export interface HanaResultSet {
  readonly metadata: HanaColumnMetadata[];
  /** True once the server or the client closed the cursor. */
  readonly closed: boolean;
  setFetchSize(rows: number): HanaResultSet;
  /**
   * A stream of row arrays, `arrayMode` rows each (the last may be shorter). It fetches only while
   * its buffer has room: pausing the consumer pauses the FETCH round trips.
   */
  createArrayStream(options: { arrayMode: number }): Readable;
  /** Sends CLOSE_RESULT_SET (queued behind any request in flight). */
  close(cb: (error?: Error | null) => void): void;
}

/** A prepared statement. */
export interface HanaStatement {
  /** Undefined when the statement takes no parameters. */
  readonly parameterMetadata: HanaParameterMetadata[] | undefined;
  /**
   * Runs the statement. The callback gets the affected row count (DML), nothing (DDL), the result
   * sets (query), or the output parameters followed by the result sets (procedure call).
   */
  execute(values: unknown[], cb: (error: Error | null, ...results: unknown[]) => void): void;
  /** Sends DROP_STATEMENT_ID. */
  drop(cb: (error?: Error | null) => void): void;
}

/** hdb's client states (`client.readyState`). */
export type HanaReadyState = 'new' | 'opening' | 'connecting' | 'connected' | 'disconnecting' | 'disconnected' | 'closed';

/**
 * One hdb client: a socket and, once logged on, one session. Requests are queued: one runs at a
 * time. `close` and `disconnect` wait for the queue to drain (they do not stop a running
 * statement); `destroy` closes the socket at once, which ends the session on the server.
 */
export interface HanaClient {
  readonly readyState: HanaReadyState;
  connect(logon: HanaLogon, cb: (error: Error | null) => void): void;
  /** Runs a statement and fetches every row (small results only: testConnection, SET SCHEMA). */
  exec(sql: string, cb: (error: Error | null, rows?: unknown) => void): void;
  /** Runs a statement directly (no prepare); the callback is as for `HanaStatement.execute`. */
  execute(sql: string, cb: (error: Error | null, ...results: unknown[]) => void): void;
  prepare(sql: string, cb: (error: Error | null, statement?: HanaStatement) => void): void;
  /** Once the queue is idle, sends DISCONNECT and closes the socket. */
  disconnect(cb: (error?: Error | null) => void): void;
  /** Once the queue is idle, closes the socket. */
  close(): void;
  /** Closes the socket now; a request in flight fails with `error` (with no error it never answers). */
  destroy(error?: Error): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: (hadError: boolean) => void): unknown;
}

/** The driver: a client factory and hdb's CESU-8 decoder for character LOB bytes. */
export interface HanaDriver {
  createClient(options: HanaClientOptions): HanaClient;
  /** Decodes CESU-8 bytes (what HANA sends for text) to a string. */
  decodeText(bytes: Buffer): string;
}

/** HANA type codes the connector maps (hdb's lib/protocol/common/TypeCode.js). */
export const HanaTypeCode = {
  TINYINT: 1,
  SMALLINT: 2,
  INT: 3,
  BIGINT: 4,
  DECIMAL: 5,
  REAL: 6,
  DOUBLE: 7,
  CHAR: 8,
  VARCHAR1: 9,
  NCHAR: 10,
  NVARCHAR: 11,
  BINARY: 12,
  VARBINARY: 13,
  DATE: 14,
  TIME: 15,
  TIMESTAMP: 16,
  CLOB: 25,
  NCLOB: 26,
  BLOB: 27,
  BOOLEAN: 28,
  STRING: 29,
  NSTRING: 30,
  LOCATOR: 31,
  NLOCATOR: 32,
  BSTRING: 33,
  VARCHAR2: 35,
  TEXT: 51,
  SHORTTEXT: 52,
  BINTEXT: 53,
  ALPHANUM: 55,
  LONGDATE: 61,
  SECONDDATE: 62,
  DAYDATE: 63,
  SECONDTIME: 64,
  ST_GEOMETRY: 74,
  ST_POINT: 75,
  FIXED16: 76,
  FIXED8: 81,
  FIXED12: 82,
  REAL_VECTOR: 96,
} as const;

/**
 * The data format version the connector asks for. 8 brings BOOLEAN (7), DAYDATE/SECONDTIME/
 * LONGDATE/SECONDDATE with 100 ns timestamps, ALPHANUM and SHORTTEXT (4), and exact FIXED8/12/16
 * decimals (8). hdb's default (1) would send BOOLEAN as TINYINT and timestamps in milliseconds.
 */
export const hanaDataFormat = 8;

/** hdb's ParameterMode bits on column metadata. */
export const HanaColumnMode = { MANDATORY: 1, OPTIONAL: 2 } as const;

/** hdb's IoType of parameter metadata. */
export const HanaIoType = { INPUT: 1, IN_OUT: 2, OUTPUT: 4 } as const;
