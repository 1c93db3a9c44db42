import { escapeXml } from './escapeXml.js';

/** What goes into one assertion. Times are epoch milliseconds. */
export interface AssertionFields {
  id: string;
  issuer: string;
  nameId: string;
  /** NameID Format URN. */
  nameIdFormat: string;
  audience: string;
  recipient?: string;
  issuedAt: number;
  notBefore: number;
  notOnOrAfter: number;
}

/** SAML wants xs:dateTime in UTC; whole seconds, as most servers expect. */
const instant = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Builds the unsigned SAML 2.0 assertion (bearer subject confirmation, Conditions with an audience,
 * an AuthnStatement). Every value is escaped, so no value can add or close an element. Elements are
 * in the order the schema requires; the signature goes after Issuer.
 */
export function buildAssertion(f: AssertionFields): string {
  const e = escapeXml;
  const recipient = f.recipient === undefined ? '' : ` Recipient="${e(f.recipient)}"`;
  return (
    `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="${e(f.id)}" IssueInstant="${instant(f.issuedAt)}" Version="2.0">` +
    `<saml2:Issuer>${e(f.issuer)}</saml2:Issuer>` +
    `<saml2:Subject><saml2:NameID Format="${e(f.nameIdFormat)}">${e(f.nameId)}</saml2:NameID>` +
    `<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData NotOnOrAfter="${instant(f.notOnOrAfter)}"${recipient}/></saml2:SubjectConfirmation></saml2:Subject>` +
    `<saml2:Conditions NotBefore="${instant(f.notBefore)}" NotOnOrAfter="${instant(f.notOnOrAfter)}"><saml2:AudienceRestriction><saml2:Audience>${e(f.audience)}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
    `<saml2:AuthnStatement AuthnInstant="${instant(f.issuedAt)}" SessionIndex="${e(f.id)}"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>` +
    `</saml2:Assertion>`
  );
}
