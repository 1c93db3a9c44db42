import { describe, expect, it } from 'vitest';
import { flavourOf, sessionSetupSql } from './sessionSetup.js';

describe('sessionSetupSql', () => {
  it('sets UTC and the write timeout, and no statement limit by default', () => {
    expect(sessionSetupSql({ host: 'db' }, 'MariaDB')).toBe("SET SESSION time_zone = '+00:00', net_write_timeout = 600");
    expect(sessionSetupSql({ host: 'db', statementTimeoutMs: 0, netWriteTimeoutSeconds: 30 }, 'MySQL')).toBe("SET SESSION time_zone = '+00:00', net_write_timeout = 30");
  });

  it('spells the statement limit for each server', () => {
    expect(sessionSetupSql({ host: 'db', statementTimeoutMs: 1500 }, 'MariaDB')).toContain('max_statement_time = 1.5');
    expect(sessionSetupSql({ host: 'db', statementTimeoutMs: 1500 }, 'MySQL')).toContain('max_execution_time = 1500');
  });

  it('refuses a value that is not a whole number rather than writing it into SQL', () => {
    expect(() => sessionSetupSql({ host: 'db', statementTimeoutMs: 1.5 }, 'MySQL')).toThrow(RangeError);
    expect(() => sessionSetupSql({ host: 'db', netWriteTimeoutSeconds: '1; DROP TABLE t' as unknown as number }, 'MySQL')).toThrow(RangeError);
  });

  it('reads the flavour mysql2 found in the handshake', () => {
    expect(flavourOf({ _isMariaDB: true })).toBe('MariaDB');
    expect(flavourOf({ _isMariaDB: false })).toBe('MySQL');
  });
});
