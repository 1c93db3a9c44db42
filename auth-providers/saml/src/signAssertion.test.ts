// Every signed assertion is checked by xmlsec1 (libxmlsec1 + OpenSSL), not by the library that
// signed it. Tampering with any signed part, a signature by another key, and the wrapping attacks
// must fail; `strict` (the signature must be the root's own and reference the root) is what a relying
// party needs on top of plain `xmlsec1 --verify`, and the tests show where plain verify falls short.
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAssertion } from './buildAssertion.js';
import { loadSigningMaterial, type SigningMaterial } from './loadSigningMaterial.js';
import { signAssertion } from './signAssertion.js';
import { createTestPki, type TestIdentity, type TestPki } from './testing/createTestPki.js';
import { verifyWithXmlsec } from './testing/verifyWithXmlsec.js';

const ns = 'urn:oasis:names:tc:SAML:2.0:assertion';
const dsig = 'http://www.w3.org/2000/09/xmldsig#';
const now = Date.now();
const fields = {
  id: '_5f1c0ffee0000000000000000000001',
  issuer: 'https://gateway.example/saml',
  nameId: 'ADA',
  nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  audience: 'HANA_SP',
  issuedAt: now,
  notBefore: now - 60_000,
  notOnOrAfter: now + 120_000,
};

describe('signAssertion, checked with xmlsec1', () => {
  let pki: TestPki;
  let idp: TestIdentity;
  let stranger: TestIdentity;
  let material: SigningMaterial;
  let signed: string;

  beforeAll(async () => {
    pki = await createTestPki();
    idp = await pki.identity('idp');
    stranger = await pki.identity('stranger');
    material = await loadSigningMaterial({ signingKeyFile: idp.keyFile, certificateFile: idp.certificateFile });
    signed = signAssertion(buildAssertion(fields), material.privateKey, material.certificatePem);
  });
  afterAll(() => pki?.remove());

  it('produces an enveloped RSA-SHA256 signature over the whole assertion, right after Issuer, with the certificate', () => {
    const root = new DOMParser().parseFromString(signed, 'text/xml').documentElement as Element;
    const kids = Array.from(root.childNodes).filter((n): n is Element => n.nodeType === 1);
    expect(kids.map((k) => `${k.namespaceURI === dsig ? 'ds' : 'saml2'}:${k.localName}`)).toEqual(['saml2:Issuer', 'ds:Signature', 'saml2:Subject', 'saml2:Conditions', 'saml2:AuthnStatement']);
    const attr = (name: string, a: string): string[] => Array.from(root.getElementsByTagNameNS(dsig, name)).map((e) => (e as Element).getAttribute(a) ?? '');
    expect(attr('Reference', 'URI')).toEqual([`#${fields.id}`]);
    expect(attr('CanonicalizationMethod', 'Algorithm')).toEqual(['http://www.w3.org/2001/10/xml-exc-c14n#']);
    expect(attr('SignatureMethod', 'Algorithm')).toEqual(['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256']);
    expect(attr('DigestMethod', 'Algorithm')).toEqual(['http://www.w3.org/2001/04/xmlenc#sha256']);
    expect(attr('Transform', 'Algorithm')).toEqual(['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#']);
    const certificate = root.getElementsByTagNameNS(dsig, 'X509Certificate')[0]?.textContent ?? '';
    expect(material.certificatePem.replace(/-----[A-Z ]+-----|\s/g, '')).toBe(certificate.replace(/\s/g, ''));
  });

  it('verifies with xmlsec1 against the certificate, plain and strict', async () => {
    expect(await verifyWithXmlsec(signed, idp.certificateFile)).toMatchObject({ ok: true });
    expect(await verifyWithXmlsec(signed, idp.certificateFile, { strict: true })).toMatchObject({ ok: true });
  });

  it('fails with another certificate, and when another key signed it', async () => {
    expect((await verifyWithXmlsec(signed, stranger.certificateFile)).ok).toBe(false);
    const strangerMaterial = await loadSigningMaterial({ signingKeyFile: stranger.keyFile, certificateFile: stranger.certificateFile });
    const forged = signAssertion(buildAssertion(fields), strangerMaterial.privateKey, strangerMaterial.certificatePem);
    expect((await verifyWithXmlsec(forged, idp.certificateFile)).ok).toBe(false);
    expect((await verifyWithXmlsec(forged, stranger.certificateFile)).ok).toBe(true);
  });

  it.each([
    ['the NameID', (x: string) => x.replace('>ADA</saml2:NameID>', '>SYSTEM</saml2:NameID>')],
    ['Conditions NotOnOrAfter', (x: string) => x.replace(/(<saml2:Conditions [^>]*NotOnOrAfter=")(\d{4})/, (_m, a: string, y: string) => `${a}${Number(y) + 1}`)],
    ['the Audience', (x: string) => x.replace('>HANA_SP<', '>OTHER_SP<')],
    ['the Issuer', (x: string) => x.replace('>https://gateway.example/saml<', '>https://evil.example<')],
    ['the signature value', (x: string) => x.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`)],
    ['the digest value', (x: string) => x.replace(/<ds:DigestValue>(.)/, (_m, c: string) => `<ds:DigestValue>${c === 'A' ? 'B' : 'A'}`)],
    ['a removed Conditions element', (x: string) => x.replace(/<saml2:Conditions[\s\S]*<\/saml2:Conditions>/, '')],
  ])('fails when %s is changed', async (_what, tamper) => {
    const tampered = tamper(signed);
    expect(tampered).not.toBe(signed);
    expect((await verifyWithXmlsec(tampered, idp.certificateFile)).ok).toBe(false);
    expect((await verifyWithXmlsec(tampered, idp.certificateFile, { strict: true })).ok).toBe(false);
  });

  describe('signature wrapping', () => {
    const evilOpen = (id: string): string =>
      `<saml2:Assertion xmlns:saml2="${ns}" ID="${id}" IssueInstant="2030-01-01T00:00:00Z" Version="2.0"><saml2:Issuer>https://gateway.example/saml</saml2:Issuer>` +
      `<saml2:Subject><saml2:NameID>SYSTEM</saml2:NameID></saml2:Subject>`;
    const signature = (): string => (/<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed) as RegExpExecArray)[0];

    it('an unsigned assertion with the same ID around the signed one: xmlsec1 refuses the duplicate ID', async () => {
      const wrapped = `${evilOpen(fields.id)}${signed}</saml2:Assertion>`;
      expect((await verifyWithXmlsec(wrapped, idp.certificateFile)).ok).toBe(false);
      expect((await verifyWithXmlsec(wrapped, idp.certificateFile, { strict: true })).ok).toBe(false);
    });

    it('an unsigned assertion with its own ID around the signed one: plain verify passes (it checks the inner one), strict fails', async () => {
      const wrapped = `${evilOpen('_evil')}${signed}</saml2:Assertion>`;
      // This is why a relying party must check WHAT was signed, not only that something was.
      expect((await verifyWithXmlsec(wrapped, idp.certificateFile)).ok).toBe(true);
      expect((await verifyWithXmlsec(wrapped, idp.certificateFile, { strict: true })).ok).toBe(false);
    });

    it('the signature moved to an unsigned root that holds the original: strict fails (the reference is not the root)', async () => {
      const moved = evilOpen('_evil').replace('<saml2:Subject>', `${signature()}<saml2:Subject>`) + signed.replace(signature(), '') + '</saml2:Assertion>';
      expect((await verifyWithXmlsec(moved, idp.certificateFile, { strict: true })).ok).toBe(false);
    });
  });

  it('signs hostile NameID, Issuer and Audience values as text that verifies and reads back unchanged', async () => {
    const nameId = `a<b>&"c'</saml2:NameID><saml2:NameID>SYSTEM`;
    const hostile = signAssertion(buildAssertion({ ...fields, nameId, audience: `HANA"&<SP>`, issuer: `i'ss&uer` }), material.privateKey, material.certificatePem);
    expect((await verifyWithXmlsec(hostile, idp.certificateFile, { strict: true })).ok).toBe(true);
    const root = new DOMParser().parseFromString(hostile, 'text/xml').documentElement as Element;
    const names = root.getElementsByTagNameNS(ns, 'NameID');
    expect(names.length).toBe(1);
    expect(names[0]?.textContent).toBe(nameId);
    expect(root.getElementsByTagNameNS(ns, 'Audience')[0]?.textContent).toBe(`HANA"&<SP>`);
    expect(root.getElementsByTagNameNS(ns, 'Issuer')[0]?.textContent).toBe(`i'ss&uer`);
  });
});
