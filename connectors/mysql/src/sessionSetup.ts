import { defaultNetWriteTimeoutSeconds, type MysqlSettings } from './mysqlSettings.js';

/** The server flavour, from the handshake: statement limits are spelled differently. */
export type MysqlFlavour = 'MariaDB' | 'MySQL';

/**
 * The one statement that prepares each new session: UTC `time_zone` (TIMESTAMP values are read as
 * UTC instants), `net_write_timeout` (the server waits on a paused reader) and the statement limit,
 * MariaDB's `max_statement_time` (seconds, every statement) or MySQL's `max_execution_time`
 * (milliseconds, SELECT only). Every value is a number or a fixed literal, never user text.
 */
export function sessionSetupSql(settings: MysqlSettings, flavour: MysqlFlavour): string {
  const assignments = [`time_zone = '+00:00'`, `net_write_timeout = ${integer(settings.netWriteTimeoutSeconds ?? defaultNetWriteTimeoutSeconds)}`];
  const limit = settings.statementTimeoutMs;
  if (limit !== undefined && limit > 0) {
    assignments.push(flavour === 'MariaDB' ? `max_statement_time = ${integer(limit) / 1000}` : `max_execution_time = ${integer(limit)}`);
  }
  return `SET SESSION ${assignments.join(', ')}`;
}

/** The flavour of a connected mysql2 connection (mysql2 reads it from the handshake's server version). */
export function flavourOf(connection: object): MysqlFlavour {
  return (connection as { _isMariaDB?: unknown })._isMariaDB === true ? 'MariaDB' : 'MySQL';
}

function integer(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`expected a non-negative integer, got ${value}`);
  return value;
}
