import { ConnectorError } from '@causeway/sdk';
import { escapeXml, hasForbiddenXmlCharacter } from './escapeXml.js';
import type { XmlaParameter } from './toXmlaParameters.js';
import { xmlaNamespaces as ns } from './xmlaNamespaces.js';

/** XMLA properties the connector sends (the `<PropertyList>`); absent ones are left out. */
export interface XmlaProperties {
  catalog?: string;
  /** The user the server acts as (row-level security); only server administrators may set it. */
  effectiveUserName?: string;
  /** Server-side command timeout in whole seconds. */
  timeoutSeconds?: number;
  localeIdentifier?: number;
}

/** One XMLA request. Every statement runs in an explicit session, so that it can be cancelled from another connection. */
export type XmlaRequest =
  /** Opens a session (an empty statement with the BeginSession header); the response's Session header names it. */
  | { method: 'beginSession'; properties: XmlaProperties }
  /** Runs a DAX or MDX statement in a session and asks for a tabular rowset with its schema. */
  | { method: 'execute'; sessionId: string; statement: string; parameters: readonly XmlaParameter[]; properties: XmlaProperties }
  /** Cancels what runs in a session; sent outside that session (it is busy), as the service credential. */
  | { method: 'cancel'; sessionId: string; properties: XmlaProperties }
  /** Ends a session. */
  | { method: 'endSession'; sessionId: string; properties: XmlaProperties }
  /** A Discover request for a schema rowset, outside any session. */
  | { method: 'discover'; requestType: string; restrictions: Record<string, string>; properties: XmlaProperties };

/** The SOAP request: the SOAPAction header value and the envelope. */
export interface XmlaHttpRequest {
  soapAction: string;
  body: string;
}

/**
 * Builds the SOAP envelope of an XMLA request. Every value (statement, parameter, property, session
 * id) is escaped, so none can change the document's structure; text that XML cannot carry is
 * refused with CW_QUERY_FAILED rather than altered.
 */
export function buildXmlaRequest(request: XmlaRequest): XmlaHttpRequest {
  switch (request.method) {
    case 'beginSession':
      return execute(`<BeginSession xmlns="${ns.xmla}" soap:mustUnderstand="1"/>`, '<Statement/>', propertyList(request.properties, false), '');
    case 'execute':
      return execute(
        sessionHeader('Session', request.sessionId),
        `<Statement>${xmlText(request.statement, 'the query text')}</Statement>`,
        propertyList(request.properties, true),
        parameterList(request.parameters),
      );
    case 'cancel':
      return execute(
        '',
        `<Cancel xmlns="${ns.engine}"><SessionID>${xmlText(request.sessionId, 'the session id')}</SessionID></Cancel>`,
        propertyList({ ...request.properties, effectiveUserName: undefined }, false),
        '',
      );
    case 'endSession':
      return execute(sessionHeader('EndSession', request.sessionId), '<Statement/>', propertyList(request.properties, false), '');
    case 'discover': {
      const restrictions = Object.entries(request.restrictions)
        .map(([name, value]) => `<${name}>${xmlText(value, `the ${name} restriction`)}</${name}>`)
        .join('');
      return {
        soapAction: `"${ns.xmla}:Discover"`,
        body: envelope(
          '',
          `<Discover xmlns="${ns.xmla}"><RequestType>${xmlText(request.requestType, 'the request type')}</RequestType>` +
            `<Restrictions><RestrictionList>${restrictions}</RestrictionList></Restrictions>` +
            `<Properties>${propertyList(request.properties, true)}</Properties></Discover>`,
        ),
      };
    }
  }
}

function execute(header: string, command: string, properties: string, parameters: string): XmlaHttpRequest {
  return {
    soapAction: `"${ns.xmla}:Execute"`,
    body: envelope(header, `<Execute xmlns="${ns.xmla}"><Command>${command}</Command><Properties>${properties}</Properties>${parameters}</Execute>`),
  };
}

function envelope(header: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soap:Envelope xmlns:soap="${ns.soap}" xmlns:xsi="${ns.xsi}" xmlns:xsd="${ns.xsd}">` +
    (header ? `<soap:Header>${header}</soap:Header>` : '') +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

function sessionHeader(element: 'Session' | 'EndSession', sessionId: string): string {
  return `<${element} xmlns="${ns.xmla}" SessionId="${xmlText(sessionId, 'the session id')}" soap:mustUnderstand="1"/>`;
}

// Format and Content ask for a flat rowset with its inline XSD, whatever the statement (DAX or MDX).
function propertyList(properties: XmlaProperties, rowset: boolean): string {
  const items: Array<[string, string | number | undefined]> = [
    ['Catalog', properties.catalog],
    ['EffectiveUserName', properties.effectiveUserName],
    ['LocaleIdentifier', properties.localeIdentifier],
    ['Timeout', properties.timeoutSeconds],
  ];
  if (rowset) items.push(['Format', 'Tabular'], ['Content', 'SchemaData']);
  const inner = items
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${xmlText(String(value), `the ${name} property`)}</${name}>`)
    .join('');
  return `<PropertyList>${inner}</PropertyList>`;
}

function parameterList(parameters: readonly XmlaParameter[]): string {
  if (parameters.length === 0) return '';
  const items = parameters.map((p) => {
    const value = p.text === null ? '<Value xsi:nil="true"/>' : `<Value xsi:type="${p.type}">${xmlText(p.text, `parameter @${p.name}`)}</Value>`;
    return `<Parameter><Name>${xmlText(p.name, 'a parameter name')}</Name>${value}</Parameter>`;
  });
  return `<Parameters>${items.join('')}</Parameters>`;
}

function xmlText(value: string, what: string): string {
  if (hasForbiddenXmlCharacter(value)) throw new ConnectorError('CW_QUERY_FAILED', `${what} holds a character XML cannot carry (a control character or a lone surrogate)`);
  return escapeXml(value);
}
