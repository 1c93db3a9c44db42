// The driver boundary: the small part of node-oracledb (thin mode) the connector calls. Production
// code gets it from `loadOracleDriver` (a lazy import of oracledb); tests give a fake with the same
// behaviour where the connector depends on it. Names and shapes follow oracledb's own API.

/** An oracledb database type constant (`oracledb.DB_TYPE_NUMBER`, ...); compared by identity. */
export interface OracleDbType {
  readonly num: number;
  readonly name: string;
  /** The SQL name, e.g. `NUMBER`, `TIMESTAMP WITH TIME ZONE`. */
  readonly columnTypeName: string;
}

/** The database type constants the connector uses. */
export interface OracleDbTypes {
  DB_TYPE_BFILE: OracleDbType;
  DB_TYPE_BINARY_DOUBLE: OracleDbType;
  DB_TYPE_BINARY_FLOAT: OracleDbType;
  DB_TYPE_BINARY_INTEGER: OracleDbType;
  DB_TYPE_BLOB: OracleDbType;
  DB_TYPE_BOOLEAN: OracleDbType;
  DB_TYPE_CHAR: OracleDbType;
  DB_TYPE_CLOB: OracleDbType;
  DB_TYPE_CURSOR: OracleDbType;
  DB_TYPE_DATE: OracleDbType;
  DB_TYPE_INTERVAL_DS: OracleDbType;
  DB_TYPE_INTERVAL_YM: OracleDbType;
  DB_TYPE_JSON: OracleDbType;
  DB_TYPE_LONG: OracleDbType;
  DB_TYPE_LONG_NVARCHAR: OracleDbType;
  DB_TYPE_LONG_RAW: OracleDbType;
  DB_TYPE_NCHAR: OracleDbType;
  DB_TYPE_NCLOB: OracleDbType;
  DB_TYPE_NUMBER: OracleDbType;
  DB_TYPE_NVARCHAR: OracleDbType;
  DB_TYPE_OBJECT: OracleDbType;
  DB_TYPE_RAW: OracleDbType;
  DB_TYPE_ROWID: OracleDbType;
  DB_TYPE_TIMESTAMP: OracleDbType;
  DB_TYPE_TIMESTAMP_LTZ: OracleDbType;
  DB_TYPE_TIMESTAMP_TZ: OracleDbType;
  DB_TYPE_VARCHAR: OracleDbType;
  DB_TYPE_VECTOR: OracleDbType;
  DB_TYPE_XMLTYPE: OracleDbType;
}

/** The names of the type constants, for copying them off the driver. */
export const oracleDbTypeNames: ReadonlyArray<keyof OracleDbTypes> = [
  'DB_TYPE_BFILE', 'DB_TYPE_BINARY_DOUBLE', 'DB_TYPE_BINARY_FLOAT', 'DB_TYPE_BINARY_INTEGER', 'DB_TYPE_BLOB',
  'DB_TYPE_BOOLEAN', 'DB_TYPE_CHAR', 'DB_TYPE_CLOB', 'DB_TYPE_CURSOR', 'DB_TYPE_DATE', 'DB_TYPE_INTERVAL_DS',
  'DB_TYPE_INTERVAL_YM', 'DB_TYPE_JSON', 'DB_TYPE_LONG', 'DB_TYPE_LONG_NVARCHAR', 'DB_TYPE_LONG_RAW',
  'DB_TYPE_NCHAR', 'DB_TYPE_NCLOB', 'DB_TYPE_NUMBER', 'DB_TYPE_NVARCHAR', 'DB_TYPE_OBJECT', 'DB_TYPE_RAW',
  'DB_TYPE_ROWID', 'DB_TYPE_TIMESTAMP', 'DB_TYPE_TIMESTAMP_LTZ', 'DB_TYPE_TIMESTAMP_TZ', 'DB_TYPE_VARCHAR',
  'DB_TYPE_VECTOR', 'DB_TYPE_XMLTYPE',
];

/** Column metadata as oracledb describes a query's select list. */
export interface OracleMetadata {
  name: string;
  dbType: OracleDbType;
  /** `dbType.columnTypeName`, or the object type's name. */
  dbTypeName?: string;
  nullable?: boolean;
  /** NUMBER: decimal precision (0 when unconstrained); TIMESTAMP*: fractional-second digits. */
  precision?: number;
  /** NUMBER only: -127 for an unconstrained NUMBER or FLOAT. */
  scale?: number;
  byteSize?: number;
  isJson?: boolean;
}

/** What a fetch type handler returns: the type to fetch as and/or a converter applied to every value. */
export interface OracleFetchType {
  type?: OracleDbType;
  converter?: (value: unknown) => unknown;
}

/** Called by the driver once per column when a query is described. */
export type OracleFetchTypeHandler = (metadata: OracleMetadata) => OracleFetchType | undefined;

/** A bind value with an explicit type. */
export interface OracleTypedBind {
  val: unknown;
  type?: OracleDbType;
}

/** Bind values by name (`:1` binds the key "1"). */
export type OracleBinds = Record<string, unknown>;

/** The options of `connection.execute` the connector passes. */
export interface OracleExecuteOptions {
  resultSet?: boolean;
  outFormat?: number;
  fetchArraySize?: number;
  prefetchRows?: number;
  fetchTypeHandler?: OracleFetchTypeHandler;
  autoCommit?: boolean;
}

/** A large object fetched as a locator; its data is read with a round trip of its own. */
export interface OracleLob {
  /** Characters for CLOB/NCLOB, bytes for BLOB. */
  readonly length: number;
  readonly type: OracleDbType;
  getData(): Promise<string | Buffer | null>;
  /** Releases the locator (a temporary LOB is freed with the next round trip). A Lob is a stream: a failure here is an 'error' event. */
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** An open cursor over a query's rows. */
export interface OracleResultSet {
  readonly metaData: OracleMetadata[];
  /** Up to `numRows` rows; an empty array once every row was read. */
  getRows(numRows: number): Promise<unknown[][]>;
  close(): Promise<void>;
}

/** What `execute` resolves to. */
export interface OracleExecuteResult {
  resultSet?: OracleResultSet;
  rows?: unknown[][];
  metaData?: OracleMetadata[];
  rowsAffected?: number;
}

/** One session (a pooled or standalone connection). */
export interface OracleConnection {
  execute(sql: string, binds: OracleBinds, options: OracleExecuteOptions): Promise<OracleExecuteResult>;
  /** Interrupts the operation in progress; it then fails with ORA-01013. Not serialised behind it. */
  break(): Promise<void>;
  /** Returns a pooled session to its pool, or closes it (`drop`: close it even when pooled). */
  close(options?: { drop?: boolean }): Promise<void>;
  /** Milliseconds each round trip may take before the driver interrupts it (NJS-123); 0: none. */
  callTimeout: number;
  /** End-to-end tracing module name, shown in v$session.module (write-only in oracledb). */
  module?: string;
  /** e.g. 2304000000 for 23.4. */
  readonly oracleServerVersion: number;
  readonly oracleServerVersionString: string;
}

/** Logon and network settings shared by pools and standalone connections. */
export interface OracleConnectionAttributes {
  user: string;
  password: string;
  connectString: string;
  /** Seconds (integer) for the whole connection establishment. */
  connectTimeout?: number;
  /** Seconds (integer) for the TCP connect of each address. */
  transportConnectTimeout?: number;
  walletLocation?: string;
  sslServerDNMatch?: boolean;
  sslServerCertDN?: string;
}

/** Pool settings on top of the connection attributes. */
export interface OraclePoolAttributes extends OracleConnectionAttributes {
  poolMin: number;
  poolMax: number;
  poolIncrement: number;
  /** Seconds an idle session may stay open. */
  poolTimeout: number;
  /** Milliseconds a getConnection may wait for a free session (NJS-040). */
  queueTimeout: number;
  /** Called for every new session before it is handed out (oracledb's callback style). */
  sessionCallback?: (connection: OracleConnection, requestedTag: string, done: (error?: Error) => void) => void;
}

/** One identity's pool. */
export interface OraclePool {
  getConnection(): Promise<OracleConnection>;
  /** Closes the pool; with `drainTime` 0 sessions in use are closed too. */
  close(drainTime?: number): Promise<void>;
  readonly connectionsOpen: number;
  readonly connectionsInUse: number;
}

/** The driver: factories and constants. */
export interface OracleDriver {
  createPool(attributes: OraclePoolAttributes): Promise<OraclePool>;
  getConnection(attributes: OracleConnectionAttributes): Promise<OracleConnection>;
  types: OracleDbTypes;
  /** `oracledb.OUT_FORMAT_ARRAY`. */
  OUT_FORMAT_ARRAY: number;
}
