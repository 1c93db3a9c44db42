// A minimal SAP HANA SQL-protocol fixture, so the real hdb driver can be tested without a server.
// It speaks the wire format on its own (written from the protocol as hdb implements it in
// lib/protocol/PhysicalConnection.js, request/, reply/, data/; no hdb code is reused):
// - the 14-byte initialisation request and its 8-byte reply;
// - AUTHENTICATE/CONNECT with SCRAMSHA256 (the proof is verified against the known password) or
//   SAML, HANA error 10 "authentication failed" otherwise. A SAML assertion is looked up in
//   `assertions`, or, when `saml` is set, checked as HANA does (checkSamlAssertion.ts: signature with
//   xmlsec1 against the trusted certificate, NotBefore/NotOnOrAfter with skew, audience, NameID →
//   database user);
// - EXECUTE_DIRECT of a few statements: SELECT VERSION FROM SYS.M_DATABASE, SET SCHEMA, a series
//   (INTEGER, NVARCHAR) paged with FETCH_NEXT, an anonymous block that sleeps (answered only after
//   the given seconds, forgotten when its connection closes), a missing table (error 259);
// - PREPARE/EXECUTE of SELECT CAST(? AS BIGINT) FROM DUMMY (echoes the 64-bit parameter);
// - CLOSE_RESULT_SET, DROP_STATEMENT_ID, DISCONNECT.
// It counts what matters to the tests: logons, bytes sent, statements running or holding a cursor.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { checkSamlAssertion, type SamlTrust } from './checkSamlAssertion.js';

export type { SamlTrust } from './checkSamlAssertion.js';

const PACKET_HEADER = 32;
const SEGMENT_HEADER = 24;
const PART_HEADER = 16;

const Message = { EXECUTE_DIRECT: 2, PREPARE: 3, EXECUTE: 13, AUTHENTICATE: 65, CONNECT: 66, CLOSE_RESULT_SET: 69, DROP_STATEMENT_ID: 70, FETCH_NEXT: 71, DISCONNECT: 77 } as const;
const Part = { COMMAND: 3, RESULT_SET: 5, ERROR: 6, STATEMENT_ID: 10, RESULT_SET_ID: 13, PARAMETERS: 32, AUTHENTICATION: 33, FETCH_SIZE: 45, PARAMETER_METADATA: 47, RESULT_SET_METADATA: 48 } as const;
const Kind = { REPLY: 2, ERROR: 5 } as const;
const FunctionCode = { NIL: 0, DDL: 1, SELECT: 5, PROCEDURE_WITH_RESULT: 9 } as const;
const Type = { INT: 3, BIGINT: 4, NVARCHAR: 11 } as const;
const LAST_PACKET = 1;
const RESULT_SET_CLOSED = 16;

/** One logon attempt as the fixture saw it on the wire. */
export interface WireLogon {
  /** The user field of AUTHENTICATE ("" for SAML). */
  user: string;
  /** Method names the client offered, e.g. ['LDAP', 'SCRAMPBKDF2SHA256', 'SCRAMSHA256'] or ['SAML']. */
  methods: string[];
  /** The SAML assertion, when one was sent. */
  assertion?: string;
  accepted?: boolean;
  /** With `saml` set: why the assertion was refused (HANA writes this to its trace, never to the client). */
  samlRefusal?: string;
  /** With `saml` set: the NameID of an accepted assertion. */
  samlNameId?: string;
}

/** The fixture: a listening server plus what it observed. */
export interface HanaWireFixture {
  port: number;
  version: string;
  users: Map<string, string>;
  /** assertion → database user (used when `saml` is not set) */
  assertions: Map<string, string>;
  /** When set, SAML assertions are checked like a HANA SAML provider does instead of looked up. */
  saml: SamlTrust | undefined;
  readonly logons: WireLogon[];
  /** Bytes written to clients (result rows make up most of them). */
  readonly bytesSent: number;
  /** Statements whose text contains `marker` running or with an open cursor, on open connections. */
  running(marker: string): number;
  /** Requests seen, by message type name. */
  readonly requests: string[];
  /** Connections open now. */
  connections(): number;
  /** Destroys every connection (a network cut). */
  cut(): void;
  close(): Promise<void>;
}

interface Cursor {
  sql: string;
  next: number;
  last: number;
  open: boolean;
}

interface Connection {
  socket: Socket;
  initialised: boolean;
  buffer: Buffer;
  sessionId: bigint;
  pending: { user: string; method: string; salt: Buffer; serverKey: Buffer; clientKey: Buffer } | undefined;
  cursors: Map<string, Cursor>;
  sleeping: Set<{ sql: string; timer: NodeJS.Timeout }>;
  alive: boolean;
}

const names = Object.fromEntries(Object.entries(Message).map(([name, code]) => [code, name])) as Record<number, string>;

function readFields(buffer: Buffer): Buffer[] {
  const count = buffer.readUInt16LE(0);
  const fields: Buffer[] = [];
  let offset = 2;
  for (let i = 0; i < count; i++) {
    let length = buffer[offset] as number;
    offset += 1;
    if (length === 246) {
      length = buffer.readUInt16LE(offset);
      offset += 2;
    } else if (length === 247) {
      length = buffer.readUInt32LE(offset);
      offset += 4;
    } else if (length === 255) {
      length = buffer.readUInt16BE(offset);
      offset += 2;
    }
    fields.push(buffer.subarray(offset, offset + length));
    offset += length;
  }
  return fields;
}

function writeFields(fields: Array<Buffer | string>): Buffer {
  const chunks: Buffer[] = [Buffer.alloc(2)];
  chunks[0]?.writeUInt16LE(fields.length, 0);
  for (const field of fields) {
    const data = typeof field === 'string' ? Buffer.from(field, 'ascii') : field;
    if (data.length <= 245) chunks.push(Buffer.from([data.length]));
    else {
      const header = Buffer.alloc(3);
      header[0] = 246;
      header.writeUInt16LE(data.length, 1);
      chunks.push(header);
    }
    chunks.push(data);
  }
  return Buffer.concat(chunks);
}

interface OutPart {
  kind: number;
  attributes?: number;
  count?: number;
  data: Buffer;
}

function packet(sessionId: bigint, kind: number, functionCode: number, parts: OutPart[]): Buffer {
  const partBuffers = parts.map((part) => {
    const padded = Math.ceil(part.data.length / 8) * 8;
    const buffer = Buffer.alloc(PART_HEADER + padded);
    buffer.writeInt8(part.kind, 0);
    buffer.writeInt8(part.attributes ?? 0, 1);
    buffer.writeInt16LE(part.count ?? 1, 2);
    buffer.writeInt32LE(part.data.length, 8);
    buffer.writeInt32LE(padded, 12);
    part.data.copy(buffer, PART_HEADER);
    return buffer;
  });
  const segmentLength = SEGMENT_HEADER + partBuffers.reduce((n, b) => n + b.length, 0);
  const segment = Buffer.alloc(SEGMENT_HEADER);
  segment.writeInt32LE(segmentLength, 0);
  segment.writeInt16LE(parts.length, 8);
  segment.writeInt16LE(1, 10);
  segment.writeInt8(kind, 12);
  segment.writeInt16LE(functionCode, 14);
  const header = Buffer.alloc(PACKET_HEADER);
  header.writeBigUInt64LE(sessionId, 0);
  header.writeUInt32LE(segmentLength, 12);
  header.writeUInt32LE(segmentLength, 16);
  header.writeUInt16LE(1, 20);
  return Buffer.concat([header, segment, ...partBuffers]);
}

function errorPart(code: number, sqlState: string, message: string): OutPart {
  const text = Buffer.from(message, 'utf8');
  const data = Buffer.alloc(18 + text.length);
  data.writeInt32LE(code, 0);
  data.writeInt32LE(0, 4);
  data.writeInt32LE(text.length, 8);
  data.writeInt8(1, 12);
  data.write(sqlState, 13, 'ascii');
  text.copy(data, 18);
  return { kind: Part.ERROR, data };
}

// Result set metadata: 24 bytes per column (mode, type, fraction, length, four name offsets), then the names.
function metadataPart(columns: Array<{ name: string; type: number }>): OutPart {
  const fixed = Buffer.alloc(columns.length * 24);
  const texts: Buffer[] = [];
  let textOffset = 0;
  columns.forEach((column, i) => {
    const at = i * 24;
    fixed.writeInt8(2, at); // nullable
    fixed.writeInt8(column.type, at + 1);
    fixed.writeInt16LE(0, at + 2);
    fixed.writeInt16LE(column.type === Type.NVARCHAR ? 5000 : 10, at + 4);
    fixed.writeInt32LE(-1, at + 8);
    fixed.writeInt32LE(-1, at + 12);
    fixed.writeInt32LE(textOffset, at + 16);
    fixed.writeInt32LE(textOffset, at + 20);
    const name = Buffer.from(column.name, 'utf8');
    texts.push(Buffer.from([name.length]), name);
    textOffset += 1 + name.length;
  });
  return { kind: Part.RESULT_SET_METADATA, count: columns.length, data: Buffer.concat([fixed, ...texts]) };
}

function int(value: number): Buffer {
  const buffer = Buffer.alloc(5);
  buffer[0] = 1;
  buffer.writeInt32LE(value, 1);
  return buffer;
}

function nvarchar(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function scramProof(password: string, salt: Buffer, serverKey: Buffer, clientKey: Buffer): Buffer {
  const salted = createHmac('sha256', password).update(salt).digest();
  const key = createHash('sha256').update(salted).digest();
  const signature = createHmac('sha256', createHash('sha256').update(key).digest()).update(Buffer.concat([salt, serverKey, clientKey])).digest();
  return Buffer.from(signature.map((byte, i) => byte ^ (key[i] as number)));
}

/** Starts the fixture on 127.0.0.1. */
export async function createHanaWireFixture(): Promise<HanaWireFixture> {
  const connections = new Set<Connection>();
  let bytesSent = 0;
  let nextSession = 1000n;
  let nextCursor = 1;
  const logons: WireLogon[] = [];
  const requests: string[] = [];

  const send = (connection: Connection, data: Buffer): void => {
    if (!connection.alive) return;
    bytesSent += data.length;
    connection.socket.write(data);
  };
  const reply = (connection: Connection, functionCode: number, parts: OutPart[]): void => send(connection, packet(connection.sessionId, Kind.REPLY, functionCode, parts));
  const fail = (connection: Connection, code: number, sqlState: string, message: string): void =>
    send(connection, packet(connection.sessionId, Kind.ERROR, FunctionCode.NIL, [errorPart(code, sqlState, message)]));

  const fixture = {
    port: 0,
    version: '2.00.076.00.1705400033',
    users: new Map<string, string>(),
    assertions: new Map<string, string>(),
    saml: undefined as SamlTrust | undefined,
    logons,
    requests,
    get bytesSent() {
      return bytesSent;
    },
    running(marker: string) {
      let count = 0;
      for (const connection of connections) {
        if (!connection.alive) continue;
        for (const cursor of connection.cursors.values()) if (cursor.open && cursor.sql.includes(marker)) count += 1;
        for (const sleeper of connection.sleeping) if (sleeper.sql.includes(marker)) count += 1;
      }
      return count;
    },
    connections: () => [...connections].filter((c) => c.alive).length,
    cut() {
      for (const connection of connections) connection.socket.destroy();
    },
    close: (): Promise<void> =>
      new Promise<void>((resolve) => {
        for (const connection of connections) connection.socket.destroy();
        server.close(() => resolve());
      }),
  };

  // Up to `fetchSize` rows of a series cursor; the last packet closes it.
  function seriesRows(connection: Connection, id: string, cursor: Cursor, fetchSize: number, functionCode: number, parts: OutPart[]): void {
    const rows: Buffer[] = [];
    while (rows.length < fetchSize && cursor.next <= cursor.last) {
      rows.push(int(cursor.next), nvarchar('x'.repeat(100)));
      cursor.next += 1;
    }
    const done = cursor.next > cursor.last;
    if (done) {
      cursor.open = false;
      connection.cursors.delete(id);
    }
    parts.push({ kind: Part.RESULT_SET, attributes: done ? LAST_PACKET | RESULT_SET_CLOSED : 0, count: rows.length / 2, data: Buffer.concat(rows) });
    reply(connection, functionCode, parts);
  }

  function executeDirect(connection: Connection, sql: string): void {
    if (sql === 'SELECT VERSION FROM SYS.M_DATABASE') {
      reply(connection, FunctionCode.SELECT, [
        metadataPart([{ name: 'VERSION', type: Type.NVARCHAR }]),
        { kind: Part.RESULT_SET_ID, data: Buffer.alloc(8, 1) },
        { kind: Part.RESULT_SET, attributes: LAST_PACKET | RESULT_SET_CLOSED, count: 1, data: nvarchar(fixture.version) },
      ]);
      return;
    }
    if (/^SET SCHEMA /.test(sql)) {
      reply(connection, FunctionCode.DDL, []);
      return;
    }
    const series = /SERIES_GENERATE_INTEGER\(1, 1, (\d+)\)/.exec(sql);
    if (series) {
      const id = Buffer.alloc(8);
      id.writeUInt32LE(nextCursor++, 0);
      const cursor: Cursor = { sql, next: 1, last: Number(series[1]) - 1, open: true };
      connection.cursors.set(id.toString('hex'), cursor);
      const parts = [metadataPart([{ name: 'N', type: Type.INT }, { name: 'PAD', type: Type.NVARCHAR }]), { kind: Part.RESULT_SET_ID, data: id }];
      seriesRows(connection, id.toString('hex'), cursor, 32, FunctionCode.SELECT, parts);
      return;
    }
    const sleep = /SLEEP_SECONDS\((\d+)\)/.exec(sql);
    if (sleep) {
      const sleeper = {
        sql,
        timer: setTimeout(() => {
          connection.sleeping.delete(sleeper);
          reply(connection, FunctionCode.PROCEDURE_WITH_RESULT, [
            metadataPart([{ name: 'X', type: Type.INT }]),
            { kind: Part.RESULT_SET_ID, data: Buffer.alloc(8, 2) },
            { kind: Part.RESULT_SET, attributes: LAST_PACKET | RESULT_SET_CLOSED, count: 1, data: int(1) },
          ]);
        }, Number(sleep[1]) * 1000),
      };
      connection.sleeping.add(sleeper);
      return;
    }
    if (/NO_SUCH_TABLE/.test(sql)) {
      fail(connection, 259, 'HY000', `invalid table name:  Could not find table/view ${/FROM (\S+)/.exec(sql)?.[1] ?? ''} in schema KIT: line 1 col 15 (at pos 14)`);
      return;
    }
    fail(connection, 257, 'HY000', 'sql syntax error: incorrect syntax near "?": line 1 col 1 (at pos 0)');
  }

  function acceptSaml(connection: Connection, user: string): void {
    connection.pending = { user, method: 'SAML', salt: Buffer.alloc(0), serverKey: Buffer.alloc(0), clientKey: Buffer.alloc(0) };
    reply(connection, FunctionCode.NIL, [{ kind: Part.AUTHENTICATION, data: writeFields(['SAML', Buffer.from(user, 'utf8')]) }]);
  }

  async function authenticateSaml(connection: Connection, logon: WireLogon, assertion: string, trust: SamlTrust): Promise<void> {
    let verdict;
    try {
      verdict = await checkSamlAssertion(assertion, trust);
    } catch (error) {
      verdict = { ok: false as const, reason: (error as Error).message };
    }
    if (!verdict.ok) {
      logon.samlRefusal = verdict.reason;
      logon.accepted = false;
      return fail(connection, 10, '28000', 'authentication failed');
    }
    logon.samlNameId = verdict.nameId;
    acceptSaml(connection, verdict.user);
  }

  function authenticate(connection: Connection, parts: Map<number, Buffer>): void | Promise<void> {
    const fields = readFields(parts.get(Part.AUTHENTICATION) ?? Buffer.alloc(2));
    const user = (fields[0] ?? Buffer.alloc(0)).toString('utf8');
    const methods: string[] = [];
    const data = new Map<string, Buffer>();
    for (let i = 1; i + 1 < fields.length; i += 2) {
      const name = (fields[i] as Buffer).toString('ascii');
      methods.push(name);
      data.set(name, fields[i + 1] as Buffer);
    }
    const logon: WireLogon = { user, methods };
    logons.push(logon);
    const assertion = data.get('SAML');
    if (assertion) {
      logon.assertion = assertion.toString('utf8');
      if (fixture.saml) return authenticateSaml(connection, logon, logon.assertion, fixture.saml);
      const mapped = fixture.assertions.get(logon.assertion);
      if (!mapped) return fail(connection, 10, '28000', 'authentication failed');
      acceptSaml(connection, mapped);
      return;
    }
    const clientKey = data.get('SCRAMSHA256');
    if (!clientKey || !fixture.users.has(user)) return fail(connection, 10, '28000', 'authentication failed');
    const salt = randomBytes(16);
    const serverKey = randomBytes(48);
    connection.pending = { user, method: 'SCRAMSHA256', salt, serverKey, clientKey };
    reply(connection, FunctionCode.NIL, [{ kind: Part.AUTHENTICATION, data: writeFields(['SCRAMSHA256', writeFields([salt, serverKey])]) }]);
  }

  function connect(connection: Connection, parts: Map<number, Buffer>): void {
    const pending = connection.pending;
    const logon = logons[logons.length - 1];
    const fields = readFields(parts.get(Part.AUTHENTICATION) ?? Buffer.alloc(2));
    let ok = false;
    if (pending?.method === 'SAML') ok = true;
    else if (pending?.method === 'SCRAMSHA256') {
      // The client proof: a big-endian count, then a length byte and the 32-byte proof.
      const proof = (fields[2] ?? Buffer.alloc(0)).subarray(3, 35);
      ok = proof.equals(scramProof(fixture.users.get(pending.user) as string, pending.salt, pending.serverKey, pending.clientKey));
    }
    if (logon) logon.accepted = ok;
    if (!ok || !pending) return fail(connection, 10, '28000', 'authentication failed');
    connection.sessionId = nextSession++;
    reply(connection, FunctionCode.NIL, [{ kind: Part.AUTHENTICATION, data: writeFields([pending.method, Buffer.alloc(0)]) }]);
  }

  function handle(connection: Connection, message: Buffer): void | Promise<void> {
    const type = message.readInt8(PACKET_HEADER + 13);
    const count = message.readInt16LE(PACKET_HEADER + 8);
    requests.push(names[type] ?? String(type));
    const parts = new Map<number, Buffer>();
    let offset = PACKET_HEADER + SEGMENT_HEADER;
    for (let i = 0; i < count; i++) {
      const kind = message[offset] as number;
      const length = message.readInt32LE(offset + 8);
      parts.set(kind, message.subarray(offset + PART_HEADER, offset + PART_HEADER + length));
      offset += PART_HEADER + Math.ceil(length / 8) * 8;
    }
    switch (type) {
      case Message.AUTHENTICATE:
        return authenticate(connection, parts);
      case Message.CONNECT:
        return connect(connection, parts);
      case Message.EXECUTE_DIRECT:
        return executeDirect(connection, (parts.get(Part.COMMAND) ?? Buffer.alloc(0)).toString('utf8'));
      case Message.FETCH_NEXT: {
        const id = (parts.get(Part.RESULT_SET_ID) ?? Buffer.alloc(8)).toString('hex');
        const cursor = connection.cursors.get(id);
        if (!cursor) return fail(connection, 1002, 'HY000', 'invalid result set id');
        return seriesRows(connection, id, cursor, (parts.get(Part.FETCH_SIZE) ?? Buffer.alloc(4)).readInt32LE(0), FunctionCode.SELECT, []);
      }
      case Message.CLOSE_RESULT_SET: {
        const id = (parts.get(Part.RESULT_SET_ID) ?? Buffer.alloc(8)).toString('hex');
        const cursor = connection.cursors.get(id);
        if (cursor) cursor.open = false;
        connection.cursors.delete(id);
        return reply(connection, FunctionCode.NIL, []);
      }
      case Message.PREPARE: {
        const sql = (parts.get(Part.COMMAND) ?? Buffer.alloc(0)).toString('utf8');
        if (sql !== 'SELECT CAST(? AS BIGINT) FROM DUMMY') return fail(connection, 257, 'HY000', 'sql syntax error');
        const parameter = Buffer.alloc(16);
        parameter.writeInt8(2, 0); // optional
        parameter.writeInt8(Type.BIGINT, 1);
        parameter.writeInt8(1, 2); // input
        parameter.writeInt32LE(-1, 4);
        parameter.writeInt16LE(19, 8);
        return reply(connection, FunctionCode.SELECT, [
          { kind: Part.STATEMENT_ID, data: Buffer.alloc(8, 7) },
          { kind: Part.PARAMETER_METADATA, data: parameter },
          metadataPart([{ name: 'V', type: Type.BIGINT }]),
        ]);
      }
      case Message.EXECUTE: {
        // One BIGINT parameter: its type code, then 8 bytes (type code | 0x80 for NULL).
        const value = parts.get(Part.PARAMETERS) ?? Buffer.alloc(0);
        const row = value[0] === Type.BIGINT ? Buffer.concat([Buffer.from([1]), value.subarray(1, 9)]) : Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0]);
        return reply(connection, FunctionCode.SELECT, [
          { kind: Part.RESULT_SET_ID, data: Buffer.alloc(8, 3) },
          { kind: Part.RESULT_SET, attributes: LAST_PACKET | RESULT_SET_CLOSED, count: 1, data: row },
        ]);
      }
      case Message.DROP_STATEMENT_ID:
        return reply(connection, FunctionCode.NIL, []);
      case Message.DISCONNECT:
        reply(connection, FunctionCode.NIL, []);
        connection.socket.end();
        return;
      default:
        return fail(connection, 7, 'HY000', `feature not supported by the fixture: message type ${type}`);
    }
  }

  const server = createServer((socket) => {
    const connection: Connection = { socket, initialised: false, buffer: Buffer.alloc(0), sessionId: 0n, pending: undefined, cursors: new Map(), sleeping: new Set(), alive: true };
    connections.add(connection);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      // The server ends the session's statements when its connection goes.
      connection.alive = false;
      for (const sleeper of connection.sleeping) clearTimeout(sleeper.timer);
      connection.sleeping.clear();
      connection.cursors.clear();
      connections.delete(connection);
    });
    socket.on('data', (chunk: Buffer) => {
      connection.buffer = Buffer.concat([connection.buffer, chunk]);
      if (!connection.initialised) {
        if (connection.buffer.length < 14) return;
        connection.buffer = connection.buffer.subarray(14);
        connection.initialised = true;
        send(connection, Buffer.from([4, 20, 0, 4, 1, 0, 0, 0]));
      }
      while (connection.buffer.length >= PACKET_HEADER) {
        const length = PACKET_HEADER + connection.buffer.readUInt32LE(12);
        if (connection.buffer.length < length) return;
        const message = connection.buffer.subarray(0, length);
        connection.buffer = connection.buffer.subarray(length);
        void handle(connection, message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fixture.port = (server.address() as AddressInfo).port;
  return fixture;
}
