// A fake at the driver boundary: an in-memory "HANA server" and hdb-like clients, for the tests of
// the connector. It copies the behaviour of hdb 2.x the connector depends on (read from hdb's
// lib/Client.js, lib/protocol/Connection.js, ResultSet.js, ResultSetTransform.js, Statement.js,
// Writer.js, data/SqlError.js):
// - one request at a time per client, in order; `close`/`disconnect` wait for the queue to drain;
// - `destroy(error)` fails the request in flight with `error`; `destroy()` leaves it unanswered;
//   queued and later requests fail with EHDBCLOSE "Connection closed";
// - server errors are SqlError objects: a numeric `code`, a five-character `sqlState`, `level`;
// - a failed open is EHDBOPENCONN "Could not connect to any host: [ host:port - <cause> ]";
// - the logon goes to `connect`, SAML with `{ assertion }` alone;
// - result sets fetch `fetchSize` rows per round trip, only while the array stream's buffer (four
//   arrays of `arrayMode` rows) has room, and hold at most one fetched reply besides;
// - prepared statements validate parameter values like hdb's Writer (TypeError for a non-string
//   character value, an error for a number that is not a number, "Unbound parameters found.").
// The server side counts what the connector makes it do: logons, fetched rows, running statements.
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import {
  HanaColumnMode,
  HanaIoType,
  HanaTypeCode,
  type HanaClient,
  type HanaClientOptions,
  type HanaColumnMetadata,
  type HanaDriver,
  type HanaLob,
  type HanaLogon,
  type HanaParameterMetadata,
  type HanaReadyState,
  type HanaResultSet,
  type HanaStatement,
} from '../hanaDriver.js';

/** A column of a scripted result: name and HANA type code. */
export interface FakeColumn {
  name: string;
  dataType: number;
  fraction?: number;
  nullable?: boolean;
}

/** A server error as hdb reports it. */
export interface FakeSqlErrorSpec {
  code: number;
  sqlState: string;
  message: string;
  fatal?: boolean;
}

/** How the fake server answers one statement (matched by its text). */
export interface FakeStatementScript {
  match: RegExp;
  /** Types of the `?` markers (prepare describes them). */
  parameterTypes?: number[];
  /** Fails at prepare (or direct execute), as HANA does for syntax errors and unknown tables. */
  error?: FakeSqlErrorSpec;
  /** Result columns; omit for a statement without a result set. */
  columns?: FakeColumn[];
  /** The rows, produced lazily as the client fetches (may be endless). */
  rows?(parameters: unknown[], sql: string): Iterable<unknown[]>;
  /** Row count for DML. */
  rowsAffected?: number;
  /** How long the statement runs on the server before it answers (a sleep). */
  runMs?: number;
  /** A procedure call: results are the output parameters, then the result set. */
  procedure?: boolean;
}

/** One logon the server saw: how the client asked (no secret is kept). */
export interface FakeLogonRecord {
  method: 'password' | 'saml';
  user: string | undefined;
  /** The logon object's keys, e.g. ['assertion'] or ['password', 'user']. */
  keys: string[];
  options: HanaClientOptions;
  accepted: boolean;
}

/** The fake server: configure it, then read what happened. */
export interface FakeHanaServer {
  version: string;
  /** user → password */
  users: Map<string, string>;
  /** SAML assertion → the database user it maps to. */
  assertions: Map<string, string>;
  /** Reject an assertion the second time it is presented (default false: HANA accepts it while valid). */
  oneTimeAssertions: boolean;
  statements: FakeStatementScript[];
  /** Network behaviour of new connections. */
  network: 'ok' | 'refused' | 'unknown-host' | 'silent';
  /** Delay of every answer (default: next turn of the event loop). */
  latencyMs: number;
  readonly logons: FakeLogonRecord[];
  /** Sessions logged on and not ended. */
  sessions(): number;
  /** Rows the server has sent (execute and fetch replies). */
  readonly stats: { fetchedRows: number; fetches: number; lobReads: number; closedResultSets: number; droppedStatements: number; schemaSet: string[] };
  /** Statements whose text contains `marker` running or holding an open cursor (like M_ACTIVE_STATEMENTS). */
  running(marker: string): number;
  /** The parameter values of the last prepared execution, as the driver received them. */
  lastParameters: unknown[] | undefined;
  /** Breaks every connection as a network failure would (ECONNRESET). */
  cut(): void;
}

class FakeSqlError extends Error {
  code: number;
  sqlState: string;
  level: number;
  position = 0;
  fatal: boolean | undefined;
  constructor(spec: FakeSqlErrorSpec) {
    super(spec.message);
    this.code = spec.code;
    this.sqlState = spec.sqlState;
    this.level = spec.fatal ? 2 : 1;
    if (spec.fatal) this.fatal = true;
  }
}

function closedError(): Error {
  return Object.assign(new Error('Connection closed'), { code: 'EHDBCLOSE' });
}

/** A LOB value for a scripted row: its bytes (CESU-8 text is written as UTF-8 here). */
export function fakeLob(content: Buffer | string, chunkSize = 1000): HanaLob & { content: Buffer } {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  let started = false;
  return {
    content: bytes,
    length: typeof content === 'string' ? content.length : bytes.length,
    createReadStream() {
      if (started) return null;
      started = true;
      let offset = 0;
      return new Readable({
        read() {
          if (offset >= bytes.length) {
            this.push(null);
            return;
          }
          const chunk = bytes.subarray(offset, offset + chunkSize);
          offset += chunk.length;
          setImmediate(() => this.push(chunk));
        },
      });
    },
  };
}

interface Session {
  id: number;
  user: string;
  alive: boolean;
  cursors: Set<FakeCursor>;
  running: Set<{ sql: string }>;
}

interface FakeCursor {
  sql: string;
  open: boolean;
}

/** Creates a fake server and the driver whose clients talk to it. */
export function createFakeHdb(): { server: FakeHanaServer; driver: HanaDriver } {
  const sessions = new Set<Session>();
  const clients = new Set<FakeClient>();
  let nextSession = 1;
  const usedAssertions = new Set<string>();

  const server: FakeHanaServer = {
    version: '2.00.076.00.1705400033',
    users: new Map(),
    assertions: new Map(),
    oneTimeAssertions: false,
    statements: [],
    network: 'ok',
    latencyMs: 0,
    logons: [],
    stats: { fetchedRows: 0, fetches: 0, lobReads: 0, closedResultSets: 0, droppedStatements: 0, schemaSet: [] },
    lastParameters: undefined,
    sessions: () => [...sessions].filter((s) => s.alive).length,
    running(marker) {
      let count = 0;
      for (const session of sessions) {
        if (!session.alive) continue;
        for (const work of session.running) if (work.sql.includes(marker)) count += 1;
        for (const cursor of session.cursors) if (cursor.open && cursor.sql.includes(marker)) count += 1;
      }
      return count;
    },
    cut() {
      for (const client of [...clients]) client.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' }));
    },
  };

  const answer = (fn: () => void, delay = server.latencyMs): void => {
    if (delay > 0) setTimeout(fn, delay);
    else setImmediate(fn);
  };

  function script(sql: string): FakeStatementScript {
    const found = server.statements.find((s) => s.match.test(sql));
    if (found) return found;
    return { match: /./, error: { code: 257, sqlState: 'HY000', message: `sql syntax error: incorrect syntax near "${sql.split(/\s+/)[0] ?? ''}": line 1 col 1 (at pos 0)` } };
  }

  class FakeClient extends EventEmitter implements HanaClient {
    state: HanaReadyState = 'new';
    session: Session | undefined;
    queue: Array<{ start: (done: () => void) => void; fail: (error: Error) => void }> = [];
    busy = false;
    inFlight: ((error: Error) => void) | undefined;

    constructor(readonly options: HanaClientOptions) {
      super();
      clients.add(this);
    }

    get readyState(): HanaReadyState {
      return this.state;
    }

    // hdb's queue: one request at a time; a request on a closed client fails with EHDBCLOSE.
    enqueue(run: (finish: (error: Error | null, answer: () => void) => void) => void, fail: (error: Error) => void): void {
      if (this.state === 'closed' || this.state === 'new') {
        setImmediate(() => fail(closedError()));
        return;
      }
      const start = (done: () => void): void => {
        let answered = false;
        this.inFlight = (error) => {
          if (answered) return;
          answered = true;
          fail(error);
        };
        run((error, reply) => {
          if (answered) return;
          answered = true;
          this.inFlight = undefined;
          if (error) fail(error);
          else reply();
          done();
        });
      };
      this.queue.push({ start, fail });
      this.pump();
    }

    pump(): void {
      if (this.busy || this.state === 'closed') return;
      const next = this.queue.shift();
      if (!next) {
        this.emit('drain');
        return;
      }
      this.busy = true;
      next.start(() => {
        this.busy = false;
        this.pump();
      });
    }

    connect(logon: HanaLogon, cb: (error: Error | null) => void): void {
      const where = `${this.options.host}:${this.options.port}`;
      if (server.network !== 'ok') {
        if (server.network === 'silent') return; // never answers (hdb's own init timeout aside)
        const cause = server.network === 'refused' ? `connect ECONNREFUSED ${where}` : `getaddrinfo ENOTFOUND ${this.options.host}`;
        answer(() => cb(Object.assign(new Error(`Could not connect to any host: [ ${where} - ${cause} ]`), { code: 'EHDBOPENCONN' })));
        return;
      }
      this.state = 'connecting';
      const method = 'assertion' in logon ? 'saml' : 'password';
      const record: FakeLogonRecord = { method, user: 'user' in logon ? logon.user : undefined, keys: Object.keys(logon).sort(), options: { ...this.options }, accepted: false };
      server.logons.push(record);
      answer(() => {
        if (this.state === 'closed') return;
        let user: string | undefined;
        if ('assertion' in logon) {
          const mapped = server.assertions.get(logon.assertion);
          if (mapped && !(server.oneTimeAssertions && usedAssertions.has(logon.assertion))) user = mapped;
          usedAssertions.add(logon.assertion);
        } else if (server.users.get(logon.user) === logon.password) {
          user = logon.user;
        }
        if (!user) {
          this.state = 'disconnected';
          cb(new FakeSqlError({ code: 10, sqlState: '28000', message: 'authentication failed' }));
          return;
        }
        record.accepted = true;
        record.user = user;
        this.session = { id: nextSession++, user, alive: true, cursors: new Set(), running: new Set() };
        sessions.add(this.session);
        this.state = 'connected';
        cb(null);
      });
    }

    exec(sql: string, cb: (error: Error | null, rows?: unknown) => void): void {
      this.enqueue(
        (finish) => {
          answer(() => {
            if (sql === 'SELECT VERSION FROM SYS.M_DATABASE') return finish(null, () => cb(null, [[server.version]]));
            const schema = /^SET SCHEMA "(.*)"$/.exec(sql);
            if (schema) {
              server.stats.schemaSet.push((schema[1] ?? '').replaceAll('""', '"'));
              return finish(null, () => cb(null));
            }
            const s = script(sql);
            if (s.error) return finish(new FakeSqlError(s.error), () => undefined);
            const rows = s.rows ? [...s.rows([], sql)] : [];
            finish(null, () => cb(null, rows));
          });
        },
        (error) => cb(error),
      );
    }

    execute(sql: string, cb: (error: Error | null, ...results: unknown[]) => void): void {
      this.enqueue(
        (finish) => {
          answer(() => {
            const s = script(sql);
            if (s.error) return finish(new FakeSqlError(s.error), () => undefined);
            this.run(sql, s, [], finish, cb);
          });
        },
        (error) => cb(error),
      );
    }

    run(sql: string, s: FakeStatementScript, parameters: unknown[], finish: (error: Error | null, answer: () => void) => void, cb: (error: Error | null, ...results: unknown[]) => void): void {
      const session = this.session as Session;
      const work = { sql };
      session.running.add(work);
      const reply = (): void => {
        session.running.delete(work);
        if (!session.alive) return;
        if (!s.columns) return finish(null, () => cb(null, s.rowsAffected ?? 0));
        const rs = new FakeResultSet(this, sql, s.columns, s.rows ? s.rows(parameters, sql)[Symbol.iterator]() : [][Symbol.iterator](), this.options.fetchSize);
        if (s.procedure) finish(null, () => cb(null, {}, rs));
        else finish(null, () => cb(null, rs));
      };
      if (s.runMs) {
        // The server ends the statement when its session goes.
        const onGone = (): void => {
          clearTimeout(timer);
          session.running.delete(work);
        };
        const timer = setTimeout(() => {
          this.removeListener('close', onGone);
          reply();
        }, s.runMs);
        this.once('close', onGone);
      } else {
        answer(reply);
      }
    }

    prepare(sql: string, cb: (error: Error | null, statement?: HanaStatement) => void): void {
      this.enqueue(
        (finish) => {
          answer(() => {
            const s = script(sql);
            if (s.error) return finish(new FakeSqlError(s.error), () => undefined);
            const types = s.parameterTypes ?? [];
            const parameterMetadata: HanaParameterMetadata[] | undefined = types.length
              ? types.map((dataType) => ({ dataType, ioType: HanaIoType.INPUT, fraction: 0, length: 0 }))
              : undefined;
            finish(null, () => cb(null, new FakeStatement(this, sql, s, parameterMetadata)));
          });
        },
        (error) => cb(error),
      );
    }

    disconnect(cb: (error?: Error | null) => void): void {
      if (this.state === 'closed') {
        setImmediate(() => cb(null));
        return;
      }
      this.enqueue(
        (finish) => answer(() => finish(null, () => {
          this.end(undefined);
          cb(null);
        })),
        () => cb(null),
      );
    }

    close(): void {
      if (this.state === 'closed') return;
      if (!this.busy && this.queue.length === 0) this.end(undefined);
      else this.once('drain', () => this.end(undefined));
    }

    destroy(error?: Error): void {
      if (this.state === 'closed') return;
      const inFlight = this.inFlight;
      this.inFlight = undefined;
      this.end(error);
      if (error && inFlight) inFlight(error);
      else if (error && this.listenerCount('error') > 0) this.emit('error', error);
    }

    end(error: Error | undefined): void {
      if (this.state === 'closed') return;
      this.state = 'closed';
      clients.delete(this);
      if (this.session) this.session.alive = false;
      const queued = this.queue.splice(0);
      this.busy = false;
      // Queued requests fail as hdb's Queue.abort does.
      for (const task of queued) setImmediate(() => task.fail(closedError()));
      setImmediate(() => this.emit('close', error !== undefined));
    }
  }

  class FakeStatement implements HanaStatement {
    constructor(
      readonly client: FakeClient,
      readonly sql: string,
      readonly s: FakeStatementScript,
      readonly parameterMetadata: HanaParameterMetadata[] | undefined,
    ) {}

    execute(values: unknown[], cb: (error: Error | null, ...results: unknown[]) => void): void {
      const types = (this.parameterMetadata ?? []).map((p) => p.dataType);
      if (values.length !== types.length) {
        setImmediate(() => cb(new Error('Unbound parameters found.')));
        return;
      }
      try {
        values.forEach((value, i) => checkWriterInput(types[i] as number, value));
      } catch (error) {
        setImmediate(() => cb(error as Error));
        return;
      }
      server.lastParameters = values;
      this.client.enqueue(
        (finish) => answer(() => this.client.run(this.sql, this.s, values, finish, cb)),
        (error) => cb(error),
      );
    }

    drop(cb: (error?: Error | null) => void): void {
      this.client.enqueue(
        (finish) => answer(() => finish(null, () => {
          server.stats.droppedStatements += 1;
          cb(null);
        })),
        (error) => cb(error),
      );
    }
  }

  class FakeResultSet implements HanaResultSet {
    readonly metadata: HanaColumnMetadata[];
    closed = false;
    finished = false;
    fetchSize: number;
    cursor: FakeCursor;

    constructor(
      readonly client: FakeClient,
      sql: string,
      columns: FakeColumn[],
      readonly rows: Iterator<unknown[]>,
      fetchSize: number,
    ) {
      this.metadata = columns.map((c) => ({
        dataType: c.dataType,
        fraction: c.fraction ?? 0,
        length: 0,
        mode: c.nullable === false ? HanaColumnMode.MANDATORY : HanaColumnMode.OPTIONAL,
        columnDisplayName: c.name,
        columnName: c.name,
      }));
      this.fetchSize = fetchSize;
      this.cursor = { sql, open: true };
      client.session?.cursors.add(this.cursor);
    }

    setFetchSize(rows: number): HanaResultSet {
      this.fetchSize = Math.min(rows, 32767);
      return this;
    }

    // One FETCH round trip: up to fetchSize rows, or an error when the session is gone.
    fetch(cb: (error: Error | null, rows?: unknown[][], last?: boolean) => void): void {
      this.client.enqueue(
        (finish) =>
          answer(() => {
            const rows: unknown[][] = [];
            let last = false;
            while (rows.length < this.fetchSize) {
              const next = this.rows.next();
              if (next.done) {
                last = true;
                break;
              }
              rows.push(next.value);
            }
            server.stats.fetches += 1;
            server.stats.fetchedRows += rows.length;
            if (last) {
              // HANA closes a forward cursor with its last packet (RESULT_SET_CLOSED).
              this.finished = true;
              this.closed = true;
              this.cursor.open = false;
            }
            finish(null, () => cb(null, rows, last));
          }),
        (error) => cb(error),
      );
    }

    // hdb: the binary stream's _read resumes the result set, which fetches again and again until
    // a push finds the buffer full and pauses it; a reply arriving while paused is kept (_data).
    createArrayStream(options: { arrayMode: number }): Readable {
      const arrayMode = options.arrayMode;
      let running = false;
      let ended = false;
      let stored: { rows: unknown[][]; last: boolean } | undefined;
      let carry: unknown[][] = [];
      const handle = (reply: { rows: unknown[][]; last: boolean }): void => {
        carry = carry.concat(reply.rows);
        while (carry.length >= arrayMode) if (!stream.push(carry.splice(0, arrayMode))) running = false;
        if (reply.last) {
          ended = true;
          running = false;
          if (carry.length) stream.push(carry.splice(0));
          stream.push(null);
          return;
        }
        if (running) setImmediate(sendFetch);
      };
      const sendFetch = (): void => {
        this.fetch((error, rows = [], last = false) => {
          if (error) {
            running = false;
            stream.destroy(error);
            return;
          }
          if (running) handle({ rows, last });
          else stored = { rows, last };
        });
      };
      const stream: Readable = new Readable({
        objectMode: true,
        highWaterMark: 4,
        read: () => {
          if (running || ended) return;
          running = true;
          if (stored) {
            const reply = stored;
            stored = undefined;
            handle(reply);
          } else {
            sendFetch();
          }
        },
      });
      return stream;
    }

    close(cb: (error?: Error | null) => void): void {
      if (this.closed) {
        cb(null);
        return;
      }
      this.finished = true;
      this.client.enqueue(
        (finish) =>
          answer(() => {
            this.closed = true;
            this.cursor.open = false;
            server.stats.closedResultSets += 1;
            finish(null, () => cb(null));
          }),
        (error) => cb(error),
      );
    }
  }

  const driver: HanaDriver = {
    createClient: (options) => new FakeClient(options),
    decodeText: (bytes) => bytes.toString('utf8'),
  };
  return { server, driver };
}

// What hdb's Writer accepts per (normalised) parameter type; it throws otherwise.
function checkWriterInput(type: number, value: unknown): void {
  if (value === null || value === undefined) return;
  const T = HanaTypeCode;
  const wrong = (name: string): Error => new Error(`Wrong input for ${name} type`);
  switch (type) {
    case T.TINYINT:
    case T.SMALLINT:
    case T.INT:
    case T.BIGINT:
    case T.REAL:
    case T.DOUBLE:
      if (typeof value === 'bigint') throw new TypeError('Cannot convert a BigInt value to a number');
      if (Number.isNaN(Number(value))) throw wrong('numeric');
      return;
    case T.DECIMAL:
    case T.FIXED8:
    case T.FIXED12:
    case T.FIXED16:
      if (typeof value !== 'string' && typeof value !== 'number') throw wrong('DECIMAL');
      return;
    case T.BINARY:
    case T.VARBINARY:
      if (!Buffer.isBuffer(value)) throw wrong('BINARY');
      return;
    case T.BOOLEAN:
      if (typeof value !== 'boolean' && typeof value !== 'number' && typeof value !== 'string') throw wrong('BOOLEAN');
      return;
    case T.NVARCHAR:
    case T.VARCHAR1:
    case T.NSTRING:
    case T.STRING:
    case T.DAYDATE:
    case T.SECONDTIME:
    case T.LONGDATE:
    case T.SECONDDATE:
      if (typeof value !== 'string') throw new TypeError('Argument must be a string');
      return;
    default:
      return;
  }
}
