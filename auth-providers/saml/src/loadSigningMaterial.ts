import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CausewayError } from '@causeway/sdk';

/** The key and certificate an assertion is signed with, checked to belong together. */
export interface SigningMaterial {
  privateKey: KeyObject;
  /** The certificate as PEM (it goes into KeyInfo). */
  certificatePem: string;
  certificate: X509Certificate;
}

/** Where the files come from, and where their settings are in the config (for error pointers). */
export interface SigningMaterialSource {
  signingKeyFile: string;
  certificateFile: string;
  /** Folder relative paths resolve against (default: the current folder). */
  baseDir?: string;
  /** JSON pointer of the plugin settings, e.g. `/plugins/settings/saml`. */
  pointer?: string;
}

/** RSA keys shorter than this are refused (NIST SP 800-131A). */
const minRsaBits = 2048;

/**
 * Reads and checks the signing key and certificate: the key file must be an unencrypted PKCS#8 PEM
 * that only its owner can read, RSA of at least 2048 bits; the certificate a PEM X.509 certificate
 * of that very key. Throws CW_SAML_CONFIG_INVALID naming the file and setting; the message never
 * holds key material.
 */
export async function loadSigningMaterial(source: SigningMaterialSource): Promise<SigningMaterial> {
  const base = source.baseDir ?? process.cwd();
  const at = source.pointer ?? '/plugins/settings/saml';
  const keyFile = resolve(base, source.signingKeyFile);
  const certFile = resolve(base, source.certificateFile);
  const fail = (setting: string, file: string, why: string, cause?: unknown): never => {
    throw new CausewayError('CW_SAML_CONFIG_INVALID', `${setting} ${file}: ${why}`, {
      ...(cause === undefined ? {} : { cause }),
      location: { file, pointer: `${at}/${setting}` },
    });
  };
  const read = async (setting: string, file: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      return fail(setting, file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };

  let mode = 0;
  try {
    mode = (await stat(keyFile)).mode;
  } catch (error) {
    fail('signingKeyFile', keyFile, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // Like a password file: a key other users can read is a key other users can sign as the gateway with.
  if ((mode & 0o077) !== 0) {
    fail('signingKeyFile', keyFile, `is open to group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); make it readable by the gateway's user only (chmod 600)`);
  }
  const keyPem = await read('signingKeyFile', keyFile);
  if (keyPem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) fail('signingKeyFile', keyFile, 'holds an encrypted key; give an unencrypted PKCS#8 key and protect the file by its mode');
  if (/-----BEGIN (RSA|EC) PRIVATE KEY-----/.test(keyPem)) fail('signingKeyFile', keyFile, 'holds a PKCS#1/SEC1 key; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)');
  if (!keyPem.includes('-----BEGIN PRIVATE KEY-----')) fail('signingKeyFile', keyFile, 'holds no PEM PKCS#8 private key ("-----BEGIN PRIVATE KEY-----")');
  let privateKey: KeyObject | undefined;
  try {
    privateKey = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch {
    // OpenSSL's reason is dropped: it never holds key bytes, but it says nothing an admin can act on either.
    fail('signingKeyFile', keyFile, 'holds a PKCS#8 block that is not a valid private key');
  }
  const key = privateKey as KeyObject;
  if (key.asymmetricKeyType !== 'rsa') fail('signingKeyFile', keyFile, `holds a key of type ${key.asymmetricKeyType ?? 'unknown'}; signatureAlgorithm rsa-sha256 needs an RSA key`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < minRsaBits) fail('signingKeyFile', keyFile, `holds a ${bits}-bit RSA key; at least ${minRsaBits} bits are required`);

  const certText = await read('certificateFile', certFile);
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(certText);
  if (!block) fail('certificateFile', certFile, 'holds no PEM certificate ("-----BEGIN CERTIFICATE-----")');
  let certificate: X509Certificate | undefined;
  try {
    certificate = new X509Certificate((block as RegExpExecArray)[0]);
  } catch (error) {
    fail('certificateFile', certFile, 'holds a PEM block that is not an X.509 certificate', error);
  }
  const cert = certificate as X509Certificate;
  if (!cert.checkPrivateKey(key)) {
    fail('certificateFile', certFile, `is not the certificate of the key in ${keyFile} (subject "${cert.subject.replace(/\n/g, ', ')}")`);
  }
  return { privateKey: key, certificatePem: (block as RegExpExecArray)[0], certificate: cert };
}
