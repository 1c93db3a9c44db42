import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { buildXmlaRequest } from './buildXmlaRequest.js';
import { toXmlaParameters } from './toXmlaParameters.js';

interface Node {
  uri: string;
  local: string;
  attributes: Record<string, string>;
  children: Node[];
  text: string;
}

// A tiny namespace-aware DOM, to check the structure a server would see.
function parseXml(xml: string): Node {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Node[] = [];
  let root: Node | undefined;
  parser.on('opentag', (tag) => {
    const node: Node = { uri: tag.uri, local: tag.local, attributes: {}, children: [], text: '' };
    for (const a of Object.values(tag.attributes)) if (a.uri !== 'http://www.w3.org/2000/xmlns/') node.attributes[a.uri ? `{${a.uri}}${a.local}` : a.local] = a.value;
    stack.at(-1)?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  return root!;
}

function all(node: Node, local: string): Node[] {
  return [...(node.local === local ? [node] : []), ...node.children.flatMap((child) => all(child, local))];
}
function one(node: Node, local: string): Node {
  const found = all(node, local);
  expect(found, `exactly one <${local}>`).toHaveLength(1);
  return found[0]!;
}

const xmla = 'urn:schemas-microsoft-com:xml-analysis';
const soap = 'http://schemas.xmlsoap.org/soap/envelope/';
const xsi = 'http://www.w3.org/2001/XMLSchema-instance';

describe('buildXmlaRequest', () => {
  it('builds an Execute in a session with the statement, rowset properties and typed parameters', () => {
    const request = buildXmlaRequest({
      method: 'execute',
      sessionId: 'S-1',
      statement: 'EVALUATE ROW("a", @p1, "b", @p2, "c", @p3)',
      parameters: toXmlaParameters([42, 'text', null]),
      properties: { catalog: 'AdventureWorks', effectiveUserName: 'ada@contoso.com', timeoutSeconds: 30, localeIdentifier: 1033 },
    });
    expect(request.soapAction).toBe('"urn:schemas-microsoft-com:xml-analysis:Execute"');
    const doc = parseXml(request.body);
    expect(doc).toMatchObject({ uri: soap, local: 'Envelope' });
    expect(one(doc, 'Session')).toMatchObject({ uri: xmla, attributes: { SessionId: 'S-1', [`{${soap}}mustUnderstand`]: '1' } });
    expect(one(doc, 'Execute').uri).toBe(xmla);
    expect(one(doc, 'Statement').text).toBe('EVALUATE ROW("a", @p1, "b", @p2, "c", @p3)');
    const properties = Object.fromEntries(one(doc, 'PropertyList').children.map((p) => [p.local, p.text]));
    expect(properties).toEqual({
      Catalog: 'AdventureWorks',
      EffectiveUserName: 'ada@contoso.com',
      LocaleIdentifier: '1033',
      Timeout: '30',
      Format: 'Tabular',
      Content: 'SchemaData',
    });
    const parameters = all(doc, 'Parameter').map((p) => ({ name: one(p, 'Name').text, type: one(p, 'Value').attributes[`{${xsi}}type`], nil: one(p, 'Value').attributes[`{${xsi}}nil`], text: one(p, 'Value').text }));
    expect(parameters).toEqual([
      { name: 'p1', type: 'xsd:int', nil: undefined, text: '42' },
      { name: 'p2', type: 'xsd:string', nil: undefined, text: 'text' },
      { name: 'p3', type: undefined, nil: 'true', text: '' },
    ]);
  });

  it('leaves out absent properties and an empty parameter list', () => {
    const doc = parseXml(buildXmlaRequest({ method: 'execute', sessionId: 'S', statement: 'EVALUATE x', parameters: [], properties: {} }).body);
    expect(one(doc, 'PropertyList').children.map((p) => p.local)).toEqual(['Format', 'Content']);
    expect(all(doc, 'Parameters')).toEqual([]);
  });

  it('cannot be restructured through the statement, a parameter, the effective user, the catalog or the session id', () => {
    const hostileUser = 'eve</EffectiveUserName><EffectiveUserName>admin';
    const hostileCatalog = 'Sales</Catalog></PropertyList><PropertyList><Catalog>Other';
    const hostileValue = '</Value></Parameter><Parameter><Name>p9</Name><Value>1';
    const hostileStatement = 'EVALUATE ROW("x", "]]></Statement></Command><Command><Delete/>")';
    const hostileSession = 'S" SessionId="other';
    const doc = parseXml(
      buildXmlaRequest({
        method: 'execute',
        sessionId: hostileSession,
        statement: hostileStatement,
        parameters: toXmlaParameters([hostileValue]),
        properties: { catalog: hostileCatalog, effectiveUserName: hostileUser },
      }).body,
    );
    expect(one(doc, 'Statement').text).toBe(hostileStatement);
    expect(one(doc, 'Command').children.map((c) => c.local)).toEqual(['Statement']);
    expect(one(doc, 'EffectiveUserName').text).toBe(hostileUser);
    expect(one(doc, 'Catalog').text).toBe(hostileCatalog);
    expect(one(doc, 'PropertyList').children).toHaveLength(4);
    expect(one(doc, 'Parameter').children.map((c) => [c.local, c.text])).toEqual([
      ['Name', 'p1'],
      ['Value', hostileValue],
    ]);
    expect(one(doc, 'Session').attributes.SessionId).toBe(hostileSession);
  });

  it('begins a session with the BeginSession header and an empty statement', () => {
    const doc = parseXml(buildXmlaRequest({ method: 'beginSession', properties: { catalog: 'C', effectiveUserName: 'u' } }).body);
    expect(one(doc, 'BeginSession').uri).toBe(xmla);
    expect(one(doc, 'Statement').text).toBe('');
    expect(all(doc, 'Session')).toEqual([]);
    expect(one(doc, 'EffectiveUserName').text).toBe('u');
  });

  it('ends a session with the EndSession header', () => {
    const doc = parseXml(buildXmlaRequest({ method: 'endSession', sessionId: 'S-9', properties: {} }).body);
    expect(one(doc, 'EndSession').attributes.SessionId).toBe('S-9');
  });

  it('cancels a session from outside it, as the service credential (no effective user)', () => {
    const doc = parseXml(buildXmlaRequest({ method: 'cancel', sessionId: 'S-2', properties: { catalog: 'C', effectiveUserName: 'ada' } }).body);
    expect(all(doc, 'Session')).toEqual([]);
    expect(one(doc, 'Cancel').uri).toBe('http://schemas.microsoft.com/analysisservices/2003/engine');
    expect(one(doc, 'SessionID').text).toBe('S-2');
    expect(all(doc, 'EffectiveUserName')).toEqual([]);
  });

  it('builds a Discover with restrictions', () => {
    const request = buildXmlaRequest({ method: 'discover', requestType: 'DISCOVER_PROPERTIES', restrictions: { PropertyName: 'DBMSVersion' }, properties: { catalog: 'C' } });
    expect(request.soapAction).toBe('"urn:schemas-microsoft-com:xml-analysis:Discover"');
    const doc = parseXml(request.body);
    expect(one(doc, 'RequestType').text).toBe('DISCOVER_PROPERTIES');
    expect(one(doc, 'RestrictionList').children.map((c) => [c.local, c.text])).toEqual([['PropertyName', 'DBMSVersion']]);
  });

  it('refuses text XML cannot carry with CW_QUERY_FAILED, naming what held it', () => {
    expect(() => buildXmlaRequest({ method: 'execute', sessionId: 'S', statement: 'EVALUATE \u0007', parameters: [], properties: {} })).toThrow(
      expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('query text') }),
    );
    expect(() => buildXmlaRequest({ method: 'beginSession', properties: { effectiveUserName: 'a\u0000b' } })).toThrow(
      expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('EffectiveUserName') }),
    );
  });
});
