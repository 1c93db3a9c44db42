import type { KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';

const exclusiveC14n = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const root = "/*[local-name()='Assertion' and namespace-uri()='urn:oasis:names:tc:SAML:2.0:assertion']";

/**
 * Signs an assertion with an enveloped XML signature over the whole Assertion (Reference
 * URI="#<ID>", exclusive c14n, RSA-SHA256, SHA-256 digest), placed right after Issuer as the SAML
 * schema requires, with the certificate in KeyInfo.
 */
export function signAssertion(assertion: string, privateKey: KeyObject, certificatePem: string): string {
  const signer = new SignedXml({
    privateKey,
    publicCert: certificatePem,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: exclusiveC14n,
  });
  signer.addReference({
    xpath: root,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', exclusiveC14n],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(assertion, { prefix: 'ds', location: { reference: `${root}/*[local-name()='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}
