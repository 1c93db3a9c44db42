// Test keys and certificates made by the openssl CLI (an implementation independent of Node's), in
// a temporary folder: a missing openssl fails the test that needs it.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd }, (error, _stdout, stderr) => (error ? reject(new Error(`openssl ${args[0]} failed: ${(error as Error).message} ${stderr}`)) : resolve()));
  });
}

/** A key pair with its self-signed certificate: the key as PKCS#8 PEM (mode 0600), the certificate as PEM. */
export interface TestIdentity {
  keyFile: string;
  certificateFile: string;
}

/** A temporary folder that makes test identities; `remove()` deletes it. */
export interface TestPki {
  dir: string;
  /** An RSA (default 2048-bit) or EC P-256 key and a self-signed certificate valid for `days` (default 2). */
  identity(name: string, options?: { rsaBits?: number; ec?: boolean; days?: number }): Promise<TestIdentity>;
  /** Runs openssl in the folder (for odd files: PKCS#1, encrypted keys). */
  openssl(args: string[]): Promise<void>;
  remove(): Promise<void>;
}

/** Creates a temporary folder for test keys and certificates. */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'cw-saml-pki-'));
  return {
    dir,
    async identity(name, options = {}) {
      const keyFile = join(dir, `${name}.key.pem`);
      const certificateFile = join(dir, `${name}.cert.pem`);
      const keyArgs = options.ec ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', `rsa:${options.rsaBits ?? 2048}`];
      await openssl(['req', '-x509', ...keyArgs, '-nodes', '-keyout', keyFile, '-out', certificateFile, '-days', String(options.days ?? 2), '-subj', `/CN=${name}/O=Causeway test`, '-sha256'], dir);
      await chmod(keyFile, 0o600);
      return { keyFile, certificateFile };
    },
    openssl: (args) => openssl(args, dir),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
