// A fake node-oracledb at the driver boundary (`OracleDriver`). It behaves like thin mode where the
// connector depends on it: calls on one connection are serialised; `break()` is not, and makes the
// call in progress fail with ORA-01013; `callTimeout` interrupts a round trip with NJS-123; a result
// set produces rows only when `getRows` asks (after the rows prefetched by `execute`); errors are
// built by the driver's own error module; column metadata goes through the driver's own
// fetch-type handling, so the connector's fetch type handler is validated and composed exactly as
// in production. A "server" function decides what each statement does. Test support only.
import { EventEmitter } from 'node:events';
import type {
  OracleBinds,
  OracleConnection,
  OracleConnectionAttributes,
  OracleDbType,
  OracleDriver,
  OracleExecuteOptions,
  OracleExecuteResult,
  OracleLob,
  OracleMetadata,
  OraclePool,
  OraclePoolAttributes,
  OracleResultSet,
} from '../oracleDriver.js';
import { driverError, oracledb, resolveFetchType, serverError, type ResolvedMetadata } from './oracledbInternals.js';

/** LOB data a fake column returns; the connector sees a locator and reads it with `getData()`. */
export class FakeLobData {
  constructor(readonly data: string | Buffer) {}
}

/** One select-list column of a fake statement. */
export interface FakeColumn {
  name: string;
  dbType: OracleDbType;
  precision?: number;
  scale?: number;
  nullable?: boolean;
  dbTypeName?: string;
  /** The value thin mode decodes for row `row` (0-based): NUMBER as text, DATE as a local Date, RAW as a Buffer, LOBs as FakeLobData. */
  value(row: number): unknown;
}

/** What the fake server does with one statement. */
export interface FakeStatement {
  /** A query's select list; absent for DML, DDL and PL/SQL. */
  columns?: FakeColumn[];
  /** Rows the query returns. */
  rows?: number;
  /** How long the execute round trip takes (Infinity: until it is broken). Default 0. */
  executeMs?: number;
  /** How long every fetch round trip takes. Default 0 (the next turn of the event loop). */
  fetchMs?: number;
  /** Producing this row takes until the call is broken (a slow stretch of the query). */
  stallAtRow?: number;
  /** Producing this row fails with this error (e.g. ORA-01476). */
  failAtRow?: { row: number; error: () => Error };
  /** Producing this row loses the connection (ORA-03113 as thin mode reports it). */
  loseConnectionAtRow?: number;
  /** The execute fails with this error (parse or run time). */
  error?: () => Error;
  rowsAffected?: number;
}

/** A session as the fake server knows it. */
export interface FakeSession {
  id: number;
  user: string;
}

/** How the fake server behaves. */
export interface FakeServerOptions {
  /** User name → password; any other logon fails with ORA-01017. */
  users: Record<string, string>;
  /** `oracleServerVersion`, default 2304000000 (23.4). */
  version?: number;
  versionString?: string;
  /** What each statement does. */
  respond(sql: string, binds: OracleBinds, session: FakeSession): FakeStatement;
  /** When set, every new session fails with this error (e.g. the real NJS-503 of a refused connect). */
  connectError?: () => Error;
  /** Milliseconds a logon takes (default 0). */
  connectMs?: number;
  /** Breaks are lost on the way (an out-of-band break dropped by the network): the call keeps running. */
  ignoreBreaks?: boolean;
}

/** One statement the fake server received. */
export interface FakeExecution {
  sql: string;
  binds: OracleBinds;
  options: OracleExecuteOptions;
  user: string;
  session: number;
  /** The connection's callTimeout when the statement arrived. */
  callTimeout: number;
}

/** Counters for assertions. */
export interface FakeStats {
  /** Rows the server has produced (prefetched or fetched) across all statements. */
  rowsProduced: number;
  /** Breaks that interrupted a call. */
  breaks: number;
  /** Breaks sent while no call was in progress. */
  idleBreaks: number;
  sessionsOpened: number;
  sessionsClosed: number;
  /** Sessions dropped (closed with `drop`, or failed). */
  sessionsDropped: number;
  lobReads: number;
  /** LOB locators released with destroy(). */
  lobsReleased: number;
  resultSetsClosed: number;
}

/** The fake driver plus what tests inspect. */
export interface FakeOracleDriver extends OracleDriver {
  stats: FakeStats;
  executions: FakeExecution[];
  /** Every pool created, with the attributes it got. */
  pools: Array<{ attributes: OraclePoolAttributes; pool: OraclePool & { closed: boolean } }>;
  /** Calls in progress now whose statement text contains `marker` (what v$session shows as ACTIVE). */
  runningStatements(marker: string): number;
  /** Sessions open now (pooled and standalone). */
  openSessions(): number;
}

const cancelText = 'user requested cancel of current operation';

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      reject(signal.reason);
    };
    const done = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    if (ms === 0) immediate = setImmediate(done);
    else if (Number.isFinite(ms)) timer = setTimeout(done, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Creates a fake thin-mode driver over a scripted server. */
export function createFakeOracleDriver(server: FakeServerOptions): FakeOracleDriver {
  const stats: FakeStats = { rowsProduced: 0, breaks: 0, idleBreaks: 0, sessionsOpened: 0, sessionsClosed: 0, sessionsDropped: 0, lobReads: 0, lobsReleased: 0, resultSetsClosed: 0 };
  const executions: FakeExecution[] = [];
  const pools: FakeOracleDriver['pools'] = [];
  const live = new Set<FakeConnection>();
  let nextSession = 1;

  class FakeConnection implements OracleConnection {
    callTimeout = 0;
    module: string | undefined;
    readonly oracleServerVersion = server.version ?? 2304000000;
    readonly oracleServerVersionString = server.versionString ?? '23.4.0.24.5';
    readonly session: FakeSession;
    onClose: (drop: boolean) => void = () => undefined;
    closed = false;
    dead = false;
    private lock: Promise<unknown> = Promise.resolve();
    private inFlight: { sql: string | undefined; controller: AbortController } | undefined;
    private pendingBreak = false;

    constructor(user: string) {
      this.session = { id: nextSession++, user };
      stats.sessionsOpened += 1;
      live.add(this);
    }

    get runningSql(): string | undefined {
      return this.inFlight?.sql;
    }

    // Serialises calls like oracledb's wrapFn, and makes each interruptible by break() and callTimeout.
    call<T>(sql: string | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
      const result = this.lock.then(() => this.perform(sql, work));
      this.lock = result.catch(() => undefined);
      return result;
    }

    private async perform<T>(sql: string | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
      if (this.closed) throw driverError(3);
      if (this.dead) throw driverError(500);
      if (this.pendingBreak) {
        this.pendingBreak = false;
        throw serverError(1013, cancelText);
      }
      const controller = new AbortController();
      this.inFlight = { sql, controller };
      let timedOut = false;
      const timeout = this.callTimeout;
      const timer =
        timeout > 0
          ? setTimeout(() => {
              timedOut = true;
              controller.abort(serverError(1013, cancelText));
            }, timeout)
          : undefined;
      try {
        return await work(controller.signal);
      } catch (error) {
        if (timedOut) throw driverError(123, timeout);
        throw error;
      } finally {
        clearTimeout(timer);
        this.inFlight = undefined;
      }
    }

    async execute(sql: string, binds: OracleBinds, options: OracleExecuteOptions): Promise<OracleExecuteResult> {
      return this.call(sql, async (signal) => {
        executions.push({ sql, binds, options, user: this.session.user, session: this.session.id, callTimeout: this.callTimeout });
        const statement = server.respond(sql, binds, this.session);
        await wait(statement.executeMs ?? 0, signal);
        if (statement.error) throw statement.error();
        if (!statement.columns) return { rowsAffected: statement.rowsAffected ?? 0 };
        const cursor = new FakeCursor(this, sql, statement, options);
        // Like thin mode, execute returns the first prefetchRows rows with the describe.
        await cursor.fill(options.prefetchRows ?? 2, signal);
        if (options.resultSet) return { resultSet: cursor, metaData: cursor.metaData };
        const rows = await cursor.takeAll(signal);
        return { rows, metaData: cursor.metaData };
      });
    }

    async break(): Promise<void> {
      const running = this.inFlight;
      if (!running) {
        stats.idleBreaks += 1;
        this.pendingBreak = true;
        return;
      }
      if (server.ignoreBreaks) return;
      stats.breaks += 1;
      running.controller.abort(serverError(1013, cancelText));
    }

    async close(options?: { drop?: boolean }): Promise<void> {
      await this.call(undefined, async () => undefined).catch(() => undefined);
      if (this.closed) throw driverError(3);
      const drop = options?.drop === true || this.dead;
      this.onClose(drop);
    }

    /** Ends the session on the server. */
    end(dropped: boolean): void {
      if (this.closed) return;
      this.closed = true;
      live.delete(this);
      stats.sessionsClosed += 1;
      if (dropped) stats.sessionsDropped += 1;
    }
  }

  // Like oracledb's Lob (a stream): destroy() releases the locator, and a failure there is an 'error' event.
  class FakeLob extends EventEmitter implements OracleLob {
    readonly length: number;
    private destroyed = false;
    constructor(
      private readonly connection: FakeConnection,
      private readonly sql: string,
      readonly type: OracleDbType,
      private readonly data: string | Buffer,
      private readonly fetchMs: number,
    ) {
      super();
      this.length = data.length;
    }

    getData(): Promise<string | Buffer | null> {
      return this.connection.call(this.sql, async (signal) => {
        if (this.destroyed) throw driverError(22);
        await wait(this.fetchMs, signal);
        stats.lobReads += 1;
        return this.data;
      });
    }

    destroy(): void {
      if (this.destroyed) return;
      this.destroyed = true;
      if (this.connection.closed || this.connection.dead) {
        setImmediate(() => this.emit('error', driverError(3)));
        return;
      }
      stats.lobsReleased += 1;
    }
  }

  class FakeCursor implements OracleResultSet {
    readonly metaData: OracleMetadata[];
    private readonly resolved: ResolvedMetadata[];
    private produced = 0;
    private buffer: unknown[][] = [];
    private finished = false;
    private broken = false;
    private closed = false;

    constructor(
      private readonly connection: FakeConnection,
      private readonly sql: string,
      private readonly statement: FakeStatement,
      options: OracleExecuteOptions,
    ) {
      const described: OracleMetadata[] = (statement.columns ?? []).map((column) => {
        const metadata: OracleMetadata = {
          name: column.name,
          dbType: column.dbType,
          dbTypeName: column.dbTypeName ?? column.dbType.columnTypeName,
          nullable: column.nullable ?? true,
          isJson: false,
        };
        if (column.dbType === oracledb.DB_TYPE_NUMBER) {
          metadata.precision = column.precision ?? 0;
          metadata.scale = column.scale ?? -127;
        } else if (column.precision !== undefined) metadata.precision = column.precision;
        return metadata;
      });
      this.resolved = described.map((metadata) => resolveFetchType(metadata, options.fetchTypeHandler, described));
      this.metaData = this.resolved;
    }

    // Produces up to `count` more rows on the "server" into the buffer (one round trip).
    async fill(count: number, signal: AbortSignal): Promise<void> {
      const total = this.statement.rows ?? 0;
      for (let i = 0; i < count && this.produced < total; i++) {
        const row = this.produced;
        if (this.statement.stallAtRow === row) await wait(Infinity, signal);
        if (this.statement.failAtRow?.row === row) {
          this.finished = true;
          throw this.statement.failAtRow.error();
        }
        if (this.statement.loseConnectionAtRow === row) {
          this.connection.dead = true;
          throw serverError(3113, 'end-of-file on communication channel');
        }
        this.buffer.push((this.statement.columns ?? []).map((column) => column.value(row)));
        this.produced += 1;
        stats.rowsProduced += 1;
      }
      if (this.produced >= total) this.finished = true;
    }

    // Applies the driver's converters (as ResultSet._processRows does) and LOB locators.
    private async process(rows: unknown[][]): Promise<unknown[][]> {
      const fetchMs = this.statement.fetchMs ?? 0;
      for (const row of rows) {
        for (let i = 0; i < row.length; i++) {
          const metadata = this.resolved[i] as ResolvedMetadata;
          let value = row[i];
          if (value instanceof FakeLobData) value = metadata.fetchType === metadata.dbType ? new FakeLob(this.connection, this.sql, metadata.dbType, value.data, fetchMs) : value.data;
          if (metadata.converter) value = await metadata.converter(value);
          row[i] = value;
        }
      }
      return rows;
    }

    async takeAll(signal: AbortSignal): Promise<unknown[][]> {
      while (!this.finished) await this.fill(100, signal);
      const rows = this.buffer;
      this.buffer = [];
      return this.process(rows);
    }

    getRows(numRows: number): Promise<unknown[][]> {
      return this.connection.call(this.sql, async (signal) => {
        if (this.closed) throw driverError(18);
        if (this.broken) throw serverError(1002, 'fetch out of sequence');
        try {
          if (this.buffer.length < numRows && !this.finished) {
            await wait(this.statement.fetchMs ?? 0, signal);
            await this.fill(numRows - this.buffer.length, signal);
          }
        } catch (error) {
          this.broken = true;
          throw error;
        }
        return this.process(this.buffer.splice(0, numRows));
      });
    }

    async close(): Promise<void> {
      if (this.closed) throw driverError(18);
      this.closed = true;
      stats.resultSetsClosed += 1;
    }
  }

  async function logon(attributes: OracleConnectionAttributes): Promise<FakeConnection> {
    await wait(server.connectMs ?? 0, new AbortController().signal);
    if (server.connectError) throw server.connectError();
    if (server.users[attributes.user] === undefined || server.users[attributes.user] !== attributes.password) {
      throw serverError(1017, 'invalid credential or not authorized; logon denied');
    }
    return new FakeConnection(attributes.user);
  }

  class FakePool implements OraclePool {
    closed = false;
    private readonly idle: FakeConnection[] = [];
    private readonly busy = new Set<FakeConnection>();
    private connecting = 0;
    private readonly waiters: Array<() => void> = [];

    constructor(private readonly attributes: OraclePoolAttributes) {}

    get connectionsOpen(): number {
      return this.idle.length + this.busy.size;
    }

    get connectionsInUse(): number {
      return this.busy.size;
    }

    async getConnection(): Promise<OracleConnection> {
      if (this.closed) throw driverError(65);
      if (this.idle.length === 0 && this.busy.size + this.connecting >= this.attributes.poolMax) await this.queue();
      const reused = this.idle.pop();
      if (reused) {
        this.busy.add(reused);
        return reused;
      }
      this.connecting += 1;
      let connection: FakeConnection;
      try {
        connection = await logon(this.attributes);
      } finally {
        this.connecting -= 1;
      }
      connection.onClose = (drop) => this.release(connection, drop);
      this.busy.add(connection);
      const callback = this.attributes.sessionCallback;
      if (callback) {
        try {
          await new Promise<void>((resolve, reject) => callback(connection, '', (error) => (error ? reject(error) : resolve())));
        } catch (error) {
          this.release(connection, true);
          throw error;
        }
      }
      return connection;
    }

    private queue(): Promise<void> {
      return new Promise((resolve, reject) => {
        const timeout = this.attributes.queueTimeout;
        const timer = timeout > 0 ? setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(wake), 1);
          reject(driverError(40, timeout));
        }, timeout) : undefined;
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        this.waiters.push(wake);
      });
    }

    private release(connection: FakeConnection, drop: boolean): void {
      this.busy.delete(connection);
      if (drop || this.closed) connection.end(drop);
      else this.idle.push(connection);
      this.waiters.shift()?.();
    }

    async close(drainTime?: number): Promise<void> {
      if (this.closed) throw driverError(65);
      if (drainTime === undefined && this.busy.size > 0) throw driverError(104);
      this.closed = true;
      for (const connection of [...this.idle, ...this.busy]) connection.end(false);
      this.idle.length = 0;
      this.busy.clear();
    }
  }

  return {
    types: oracledb,
    OUT_FORMAT_ARRAY: oracledb.OUT_FORMAT_ARRAY,
    stats,
    executions,
    pools,
    async createPool(attributes) {
      const pool = new FakePool(attributes);
      pools.push({ attributes, pool });
      return pool;
    },
    async getConnection(attributes) {
      const connection = await logon(attributes);
      connection.onClose = (drop) => connection.end(drop);
      return connection;
    },
    runningStatements(marker) {
      let count = 0;
      for (const connection of live) if (connection.runningSql?.includes(marker)) count += 1;
      return count;
    },
    openSessions: () => live.size,
  };
}

/** A NUMBER column whose row i holds i + 1 (as thin mode's exact text). */
export function counterColumn(name: string, precision = 10): FakeColumn {
  return { name, dbType: oracledb.DB_TYPE_NUMBER, precision, scale: 0, nullable: false, value: (row) => String(row + 1) };
}

/** A VARCHAR2 column with `width` characters per row. */
export function paddingColumn(name: string, width = 100): FakeColumn {
  return { name, dbType: oracledb.DB_TYPE_VARCHAR, value: (row) => String(row).padEnd(width, 'x') };
}
