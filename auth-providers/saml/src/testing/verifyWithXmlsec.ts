// The independent check of produced assertions: xmlsec1 (libxmlsec1 with OpenSSL), spawned. A
// missing xmlsec1 throws, so the tests that need it fail rather than skip.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** xmlsec1's answer. */
export interface XmlsecResult {
  ok: boolean;
  output: string;
}

const assertionNs = 'urn:oasis:names:tc:SAML:2.0:assertion';
/**
 * Start node for `strict`: the root Assertion's own Signature with exactly one Reference, to the
 * root's ID. Plain `xmlsec1 --verify` checks the first signature it finds and whatever it
 * references, so a signed assertion wrapped in an unsigned one still verifies; a relying party must
 * also check that the signature covers the element it reads.
 */
export const rootSignatureXpath =
  "/*[local-name()='Assertion' and namespace-uri()='" + assertionNs + "']/*[local-name()='Signature']" +
  "[count(*[local-name()='SignedInfo']/*[local-name()='Reference'])=1]" +
  "[*[local-name()='SignedInfo']/*[local-name()='Reference']/@URI=concat('#',/*/@ID)]";

/** Verifies `xml` with `xmlsec1 --verify`, the certificate as the only key; `strict` also pins the signature to the root. */
export async function verifyWithXmlsec(xml: string, certificateFile: string, options: { strict?: boolean } = {}): Promise<XmlsecResult> {
  const dir = await mkdtemp(join(tmpdir(), 'cw-saml-xmlsec-'));
  try {
    const file = join(dir, 'assertion.xml');
    await writeFile(file, xml);
    const args = ['--verify', '--id-attr:ID', `${assertionNs}:Assertion`, '--pubkey-cert-pem', certificateFile, ...(options.strict ? ['--node-xpath', rootSignatureXpath] : []), file];
    return await new Promise<XmlsecResult>((resolve, reject) => {
      execFile('xmlsec1', args, (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error('xmlsec1 is required for these tests (apt-get install xmlsec1) and was not found'));
        resolve({ ok: !error, output: `${stdout}${stderr}` });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
