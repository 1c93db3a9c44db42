import { describe, expect, it } from 'vitest';
import { classifyKerberosFailure } from './classifyKerberosFailure.js';

const s4u = { step: 's4u' as const, gatewayPrincipal: 'gw/host@R', keytab: '/k.keytab', user: 'alice@R', spn: 'postgres/db@R' };
const tgt = { step: 'gateway-tgt' as const, gatewayPrincipal: 'gw/host@R', keytab: '/k.keytab' };

describe('classifyKerberosFailure (MIT 1.20 messages)', () => {
  it('delegation refused → CW_DELEGATION_DENIED naming the SPN', () => {
    const error = classifyKerberosFailure("postgres/db@R: kvno = 2\nkvno: KDC can't fulfill requested option postgres/db@R: constrained delegation failed\n", s4u);
    expect(error).toMatchObject({ code: 'CW_DELEGATION_DENIED', details: { spn: 'postgres/db@R' } });
    expect(error.message).toContain('"postgres/db@R"');
  });

  it('unknown user → CW_USER_UNKNOWN', () => {
    expect(classifyKerberosFailure("kvno: Client 'carol@R' not found in Kerberos database while getting credentials", s4u).code).toBe('CW_USER_UNKNOWN');
  });

  it('unknown SPN → CW_KERBEROS_FAILED naming the setting', () => {
    const error = classifyKerberosFailure('kvno: Server not found in Kerberos database while getting credentials for x/y@R', s4u);
    expect(error.code).toBe('CW_KERBEROS_FAILED');
    expect(error.message).toContain('auth.settings.spn');
  });

  it('a keytab that cannot log on → CW_CONFIG_INVALID naming the file', () => {
    const error = classifyKerberosFailure("kinit: Keytab contains no suitable keys for gw/host@R while getting initial credentials", tgt);
    expect(error).toMatchObject({ code: 'CW_CONFIG_INVALID', location: { file: '/k.keytab' } });
  });

  it('KDC down → CW_KERBEROS_FAILED', () => {
    expect(classifyKerberosFailure("kinit: Cannot contact any KDC for realm 'R' while getting initial credentials", tgt)).toMatchObject({ code: 'CW_KERBEROS_FAILED', message: expect.stringContaining('no KDC') });
  });
});
