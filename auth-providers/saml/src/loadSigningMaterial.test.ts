import { readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { CausewayError } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningMaterial } from './loadSigningMaterial.js';
import { createTestPki, type TestIdentity, type TestPki } from './testing/createTestPki.js';

async function failure(work: Promise<unknown>): Promise<CausewayError> {
  try {
    await work;
  } catch (error) {
    return error as CausewayError;
  }
  throw new Error('expected a failure');
}

describe('loadSigningMaterial', () => {
  let pki: TestPki;
  let idp: TestIdentity;
  let other: TestIdentity;
  let keyLines: string[];

  beforeAll(async () => {
    pki = await createTestPki();
    idp = await pki.identity('idp');
    other = await pki.identity('other');
    keyLines = (await readFile(idp.keyFile, 'utf8')).split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
  });
  afterAll(() => pki?.remove());

  it('loads a PKCS#8 RSA key with its certificate', async () => {
    const material = await loadSigningMaterial({ signingKeyFile: idp.keyFile, certificateFile: idp.certificateFile });
    expect(material.privateKey.asymmetricKeyType).toBe('rsa');
    expect(material.certificate.subject).toContain('CN=idp');
    expect(material.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/);
  });

  it('resolves relative paths against baseDir', async () => {
    const material = await loadSigningMaterial({ signingKeyFile: 'idp.key.pem', certificateFile: 'idp.cert.pem', baseDir: pki.dir });
    expect(material.certificate.subject).toContain('CN=idp');
  });

  it.each([0o640, 0o604, 0o644, 0o660])('refuses a key file with mode %o, naming the file and setting', async (mode) => {
    const file = join(pki.dir, `open-${mode.toString(8)}.key.pem`);
    await writeFile(file, await readFile(idp.keyFile));
    await chmod(file, mode);
    const error = await failure(loadSigningMaterial({ signingKeyFile: file, certificateFile: idp.certificateFile }));
    expect(error).toMatchObject({ code: 'CW_SAML_CONFIG_INVALID', location: { file, pointer: '/plugins/settings/saml/signingKeyFile' } });
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/open to group or others \(mode 0\d+\).*chmod 600/);
  });

  it('refuses a key that is not the certificate\'s (mismatch found at load)', async () => {
    const error = await failure(loadSigningMaterial({ signingKeyFile: other.keyFile, certificateFile: idp.certificateFile }));
    expect(error).toMatchObject({ code: 'CW_SAML_CONFIG_INVALID', location: { file: idp.certificateFile, pointer: '/plugins/settings/saml/certificateFile' } });
    expect(error.message).toContain(`is not the certificate of the key in ${other.keyFile}`);
  });

  it('refuses PKCS#1, encrypted, EC, short and garbage keys with a reason, and missing or non-certificate files', async () => {
    await pki.openssl(['pkey', '-in', idp.keyFile, '-traditional', '-out', 'pkcs1.pem']);
    await pki.openssl(['pkcs8', '-topk8', '-in', idp.keyFile, '-passout', 'pass:secret-pass-1', '-out', 'encrypted.pem']);
    const ec = await pki.identity('ec', { ec: true });
    const short = await pki.identity('short', { rsaBits: 1024 });
    await writeFile(join(pki.dir, 'garbage.pem'), '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    await writeFile(join(pki.dir, 'notcert.pem'), 'hello');
    for (const name of ['pkcs1.pem', 'encrypted.pem', 'garbage.pem']) await chmod(join(pki.dir, name), 0o600);
    const cases: Array<[string, string, string, RegExp]> = [
      [join(pki.dir, 'pkcs1.pem'), idp.certificateFile, 'signingKeyFile', /PKCS#1\/SEC1 key; convert it to PKCS#8/],
      [join(pki.dir, 'encrypted.pem'), idp.certificateFile, 'signingKeyFile', /holds an encrypted key/],
      [ec.keyFile, ec.certificateFile, 'signingKeyFile', /holds a key of type ec; signatureAlgorithm rsa-sha256 needs an RSA key/],
      [short.keyFile, short.certificateFile, 'signingKeyFile', /1024-bit RSA key; at least 2048/],
      [join(pki.dir, 'garbage.pem'), idp.certificateFile, 'signingKeyFile', /not a valid private key/],
      [join(pki.dir, 'nope.pem'), idp.certificateFile, 'signingKeyFile', /cannot be read \(ENOENT\)/],
      [idp.keyFile, join(pki.dir, 'notcert.pem'), 'certificateFile', /holds no PEM certificate/],
      [idp.keyFile, join(pki.dir, 'nope-cert.pem'), 'certificateFile', /cannot be read \(ENOENT\)/],
    ];
    for (const [keyFile, certificateFile, setting, reason] of cases) {
      const error = await failure(loadSigningMaterial({ signingKeyFile: keyFile, certificateFile }));
      expect(error.code, keyFile).toBe('CW_SAML_CONFIG_INVALID');
      expect(error.message, keyFile).toMatch(reason);
      expect(error.location?.pointer).toBe(`/plugins/settings/saml/${setting}`);
      expect(error.message).toContain(setting === 'signingKeyFile' ? keyFile : certificateFile);
      for (const line of keyLines) expect(error.message).not.toContain(line);
      expect(error.message).not.toContain('secret-pass-1');
    }
  });
});
