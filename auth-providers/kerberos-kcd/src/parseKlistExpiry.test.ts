import { describe, expect, it } from 'vitest';
import { parseKlistExpiry } from './parseKlistExpiry.js';

const klist = `Ticket cache: FILE:/tmp/x/alice.cc
Default principal: alice@CAUSEWAY.TEST

Valid starting     Expires            Service principal
11/23/26 13:43:12  11/23/26 23:43:12  mariadb/localhost@CAUSEWAY.TEST
11/23/26 13:43:12  11/23/26 20:00:01  HTTP/localhost@CAUSEWAY.TEST
`;

describe('parseKlistExpiry', () => {
  it('returns the earliest expiry, in local time', () => {
    expect(parseKlistExpiry(klist)).toBe(new Date(2026, 10, 23, 20, 0, 1).getTime());
  });

  it('reads four-digit years', () => {
    expect(parseKlistExpiry('01/02/2027 03:04:05  01/02/2027 13:04:05  krbtgt/R@R\n')).toBe(new Date(2027, 0, 2, 13, 4, 5).getTime());
  });

  it('returns undefined for a cache without tickets', () => {
    expect(parseKlistExpiry('Ticket cache: FILE:/x\nDefault principal: a@R\n\nValid starting     Expires            Service principal\n')).toBeUndefined();
  });
});
