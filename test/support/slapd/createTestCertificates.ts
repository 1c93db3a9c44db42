import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throw-away CA and a server certificate it signed (for 127.0.0.1 and localhost), plus an unrelated CA. */
export interface TestCertificates {
  /** PEM file of the CA that signed the server certificate. */
  caFile: string;
  caPem: string;
  /** PEM file of another CA that signed nothing here (for "wrong CA" tests). */
  otherCaFile: string;
  serverCertFile: string;
  serverKeyFile: string;
}

async function openssl(binary: string, args: string[], cwd: string): Promise<void> {
  try {
    await run(binary, args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || (error as Error).message}`, { cause: error });
  }
}

async function createCa(binary: string, dir: string, name: string): Promise<void> {
  await openssl(
    binary,
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=Causeway test ${name} ${process.pid}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
}

/** Generates the certificates with `openssl` in `dir` (EC P-256, valid two days). */
export async function createTestCertificates(dir: string, opensslBinary = 'openssl'): Promise<TestCertificates> {
  await createCa(opensslBinary, dir, 'ca');
  await createCa(opensslBinary, dir, 'other-ca');
  await writeFile(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  await openssl(opensslBinary, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  await openssl(
    opensslBinary,
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'],
    dir,
  );
  return {
    caFile: join(dir, 'ca.pem'),
    caPem: await readFile(join(dir, 'ca.pem'), 'utf8'),
    otherCaFile: join(dir, 'other-ca.pem'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
  };
}
