import { describe, expect, it } from 'vitest';
import { toHostbasedService } from './toHostbasedService.js';

describe('toHostbasedService', () => {
  it.each([
    ['mariadb/localhost@CAUSEWAY.TEST', 'mariadb@localhost'],
    ['HTTP/olap.contoso.local', 'HTTP@olap.contoso.local'],
    ['MSSQLSvc/db.contoso.local:1433@CONTOSO.LOCAL', 'MSSQLSvc@db.contoso.local:1433'],
  ])('%s → %s', (spn, expected) => expect(toHostbasedService(spn)).toBe(expected));

  it.each(['alice@CAUSEWAY.TEST', 'a/b/c@R', 'mariadb/', '/host', 'x y/host'])('refuses %s', (spn) => expect(toHostbasedService(spn)).toBeUndefined());
});
