import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { buildAssertion, type AssertionFields } from './buildAssertion.js';

const ns = 'urn:oasis:names:tc:SAML:2.0:assertion';
const t0 = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
const fields: AssertionFields = {
  id: '_0123abcd',
  issuer: 'https://gateway.example/saml',
  nameId: 'ADA',
  nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  audience: 'HANA_SP',
  issuedAt: t0,
  notBefore: t0 - 60_000,
  notOnOrAfter: t0 + 120_000,
};

const parse = (xml: string): Element => new DOMParser().parseFromString(xml, 'text/xml').documentElement as Element;
const children = (e: Element): Element[] => Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1);
const only = (e: Element, name: string): Element => {
  const found = Array.from(e.getElementsByTagNameNS(ns, name));
  expect(found, name).toHaveLength(1);
  return found[0] as Element;
};

describe('buildAssertion', () => {
  it('builds a SAML 2.0 assertion with its parts in schema order and times in whole UTC seconds', () => {
    const root = parse(buildAssertion(fields));
    expect(root.namespaceURI).toBe(ns);
    expect(root.localName).toBe('Assertion');
    expect(root.getAttribute('Version')).toBe('2.0');
    expect(root.getAttribute('ID')).toBe('_0123abcd');
    expect(root.getAttribute('IssueInstant')).toBe('2030-01-02T03:04:05Z');
    expect(children(root).map((c) => c.localName)).toEqual(['Issuer', 'Subject', 'Conditions', 'AuthnStatement']);
    expect(only(root, 'Issuer').textContent).toBe('https://gateway.example/saml');
    const nameId = only(root, 'NameID');
    expect([nameId.textContent, nameId.getAttribute('Format')]).toEqual(['ADA', fields.nameIdFormat]);
    expect(only(root, 'SubjectConfirmation').getAttribute('Method')).toBe('urn:oasis:names:tc:SAML:2.0:cm:bearer');
    expect(only(root, 'SubjectConfirmationData').getAttribute('NotOnOrAfter')).toBe('2030-01-02T03:06:05Z');
    expect(only(root, 'SubjectConfirmationData').hasAttribute('Recipient')).toBe(false);
    const conditions = only(root, 'Conditions');
    expect([conditions.getAttribute('NotBefore'), conditions.getAttribute('NotOnOrAfter')]).toEqual(['2030-01-02T03:03:05Z', '2030-01-02T03:06:05Z']);
    expect(only(root, 'Audience').textContent).toBe('HANA_SP');
    expect(only(root, 'AuthnStatement').getAttribute('AuthnInstant')).toBe('2030-01-02T03:04:05Z');
  });

  it('adds the Recipient when one is given', () => {
    expect(only(parse(buildAssertion({ ...fields, recipient: 'https://hana.example:4300' })), 'SubjectConfirmationData').getAttribute('Recipient')).toBe('https://hana.example:4300');
  });

  it('keeps hostile values as text: no element or attribute can be added or closed', () => {
    const nameId = `x</saml2:NameID><saml2:NameID>SYSTEM`;
    const issuer = `i" Version="1.1`;
    const audience = `a'<!--&amp;-->`;
    const root = parse(buildAssertion({ ...fields, nameId, issuer, audience, recipient: 'r"\n' }));
    expect(only(root, 'NameID').textContent).toBe(nameId);
    expect(only(root, 'Issuer').textContent).toBe(issuer);
    expect(only(root, 'Audience').textContent).toBe(audience);
    expect(only(root, 'SubjectConfirmationData').getAttribute('Recipient')).toBe('r"\n');
    expect(root.getAttribute('Version')).toBe('2.0');
    expect(root.getElementsByTagNameNS(ns, '*').length).toBe(parse(buildAssertion({ ...fields, recipient: 'r' })).getElementsByTagNameNS(ns, '*').length);
  });
});
