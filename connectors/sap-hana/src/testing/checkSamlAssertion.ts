// How the HANA wire fixture checks a SAML assertion the way a HANA server does: the XML signature
// with xmlsec1 (an independent implementation) against the one trusted certificate, and then only
// what that signature covers: xmlsec1 prints the canonical bytes it digested, and the conditions,
// audience and NameID are read from those bytes, never from the document around them. The signature
// must be the root Assertion's own and reference the root (so a wrapped or moved signature fails).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the fixture trusts and how it maps users (a SAML provider, its PSE and the users' identities). */
export interface SamlTrust {
  /** PEM certificate the signature must verify with (HANA: the certificate in the provider's PSE). */
  certificateFile: string;
  /** The audience this server is (HANA: the service provider name). */
  audience: string;
  /** When given, the Issuer must equal it. */
  issuer?: string;
  /** Tolerance for NotBefore / NotOnOrAfter, seconds. */
  skewSeconds: number;
  /** NameID → database user (HANA: ALTER USER ... ADD IDENTITY '<NameID>' FOR SAML PROVIDER ...). */
  identities: Map<string, string>;
  /** The server's clock (default: Date.now). */
  now?: () => number;
}

/** The verdict: the database user, or why the logon is refused (HANA keeps this in its trace only). */
export type SamlVerdict = { ok: true; user: string; nameId: string } | { ok: false; reason: string };

const assertionNs = 'urn:oasis:names:tc:SAML:2.0:assertion';
// The root Assertion's own Signature, with one Reference, pointing at the root's ID.
const rootSignature =
  "/*[local-name()='Assertion' and namespace-uri()='" + assertionNs + "']/*[local-name()='Signature']" +
  "[count(*[local-name()='SignedInfo']/*[local-name()='Reference'])=1]" +
  "[*[local-name()='SignedInfo']/*[local-name()='Reference']/@URI=concat('#',/*/@ID)]";

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error('xmlsec1 is required by the HANA wire fixture (apt-get install xmlsec1) and was not found'));
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

const unescape = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|apos|#x([0-9A-Fa-f]+)|#([0-9]+));/g, (_m, name: string, hex?: string, dec?: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name] as string,
  );

const elements = (xml: string, name: string): Array<{ attributes: string; text: string | undefined }> => {
  const found: Array<{ attributes: string; text: string | undefined }> = [];
  const pattern = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}((?:\\s[^>]*?)?)(/>|>([^<]*)</(?:[A-Za-z_][\\w.-]*:)?${name}>|>)`, 'g');
  for (const match of xml.matchAll(pattern)) found.push({ attributes: match[1] ?? '', text: match[3] });
  return found;
};
const attribute = (attributes: string, name: string): string | undefined => {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(attributes);
  return match ? unescape(match[1] as string) : undefined;
};

/** Checks a SAML assertion against the trust, as HANA's SAML authenticator does. */
export async function checkSamlAssertion(assertion: string, trust: SamlTrust): Promise<SamlVerdict> {
  const dir = await mkdtemp(join(tmpdir(), 'cw-hana-saml-'));
  try {
    const file = join(dir, 'assertion.xml');
    await writeFile(file, assertion, { mode: 0o600 });
    const result = await run('xmlsec1', [
      '--verify', '--id-attr:ID', `${assertionNs}:Assertion`, '--pubkey-cert-pem', trust.certificateFile,
      '--node-xpath', rootSignature, '--store-references', '--print-debug', file,
    ]);
    if (result.code !== 0) return { ok: false, reason: 'signature: xmlsec1 refused it (untrusted key, tampered content, or not the root assertion\'s own signature)' };
    const start = result.stdout.indexOf('== PreDigest data - start buffer:\n');
    const end = result.stdout.indexOf('\n== PreDigest data - end buffer', start);
    if (start === -1 || end === -1 || result.stdout.indexOf('== PreDigest data - start buffer:', end) !== -1) return { ok: false, reason: 'signature: not exactly one signed reference' };
    const signed = result.stdout.slice(start + '== PreDigest data - start buffer:\n'.length, end);
    if (!/^<(?:[A-Za-z_][\w.-]*:)?Assertion\s/.test(signed) || elements(signed, 'Assertion').length !== 1) return { ok: false, reason: 'signature: the signed content is not one Assertion' };
    if (attribute(elements(signed, 'Assertion')[0]?.attributes ?? '', 'Version') !== '2.0') return { ok: false, reason: 'not a SAML 2.0 assertion' };

    const now = (trust.now ?? Date.now)();
    const skew = trust.skewSeconds * 1000;
    const conditions = elements(signed, 'Conditions');
    if (conditions.length !== 1) return { ok: false, reason: 'conditions: missing or repeated' };
    const notBefore = Date.parse(attribute(conditions[0]?.attributes ?? '', 'NotBefore') ?? '');
    const notOnOrAfter = Date.parse(attribute(conditions[0]?.attributes ?? '', 'NotOnOrAfter') ?? '');
    if (!Number.isFinite(notBefore) || !Number.isFinite(notOnOrAfter)) return { ok: false, reason: 'conditions: NotBefore and NotOnOrAfter are required' };
    if (now + skew < notBefore) return { ok: false, reason: 'conditions: not yet valid' };
    if (now - skew >= notOnOrAfter) return { ok: false, reason: 'conditions: expired' };
    const audiences = elements(signed, 'Audience').map((a) => unescape(a.text ?? ''));
    if (!audiences.includes(trust.audience)) return { ok: false, reason: `audience: ${JSON.stringify(audiences)} does not include ${JSON.stringify(trust.audience)}` };
    if (trust.issuer !== undefined) {
      const issuers = elements(signed, 'Issuer');
      if (issuers.length !== 1 || unescape(issuers[0]?.text ?? '') !== trust.issuer) return { ok: false, reason: 'issuer: not the trusted issuer' };
    }
    const bearer = elements(signed, 'SubjectConfirmation').some((c) => attribute(c.attributes, 'Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer');
    const data = elements(signed, 'SubjectConfirmationData');
    const dataExpiry = Date.parse(attribute(data[0]?.attributes ?? '', 'NotOnOrAfter') ?? '');
    if (!bearer || data.length !== 1 || !Number.isFinite(dataExpiry) || now - skew >= dataExpiry) return { ok: false, reason: 'subject confirmation: no unexpired bearer confirmation' };
    const nameIds = elements(signed, 'NameID');
    if (nameIds.length !== 1 || nameIds[0]?.text === undefined) return { ok: false, reason: 'subject: not exactly one NameID' };
    const nameId = unescape(nameIds[0].text);
    const user = trust.identities.get(nameId);
    if (!user) return { ok: false, reason: `subject: no database user has the identity ${JSON.stringify(nameId)}` };
    return { ok: true, user, nameId };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
