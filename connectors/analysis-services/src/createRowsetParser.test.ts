import { describe, expect, it } from 'vitest';
import { createRowsetParser, type RowsetColumn } from './createRowsetParser.js';
import { XmlaProtocolError, XmlaServerError } from './xmlaErrors.js';

const envelopeStart =
  '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
  '<soap:Header><Session xmlns="urn:schemas-microsoft-com:xml-analysis" SessionId="6C0B1D5E-0A0B-4C1D-9E2F-123456789ABC"/></soap:Header>' +
  '<soap:Body><ExecuteResponse xmlns="urn:schemas-microsoft-com:xml-analysis"><return>';
const envelopeEnd = '</return></ExecuteResponse></soap:Body></soap:Envelope>';
const rootStart =
  '<root xmlns="urn:schemas-microsoft-com:xml-analysis:rowset" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:x="http://www.w3.org/2001/XMLSchema">';

const schema =
  '<x:schema targetNamespace="urn:schemas-microsoft-com:xml-analysis:rowset" xmlns:sql="urn:schemas-microsoft-com:xml-sql" elementFormDefault="qualified">' +
  '<x:element name="root"><x:complexType><x:sequence minOccurs="0" maxOccurs="unbounded"><x:element name="row" type="row"/></x:sequence></x:complexType></x:element>' +
  '<x:simpleType name="uuid"><x:restriction base="x:string"><x:pattern value="[0-9a-zA-Z]{8}"/></x:restriction></x:simpleType>' +
  '<x:complexType name="row"><x:sequence>' +
  '<x:element sql:field="Sales[Region]" name="Sales_x005B_Region_x005D_" type="x:string" minOccurs="0"/>' +
  '<x:element name="_x005B_Total_x0020_Amount_x005D_" type="x:decimal" minOccurs="0"/>' +
  '<x:element sql:field="[Id]" name="_x005B_Id_x005D_" type="uuid" minOccurs="0"/>' +
  '<x:element sql:field="[Any]" name="_x005B_Any_x005D_" minOccurs="0"/>' +
  '</x:sequence></x:complexType></x:schema>';

const rows =
  '<row><Sales_x005B_Region_x005D_>Nord &amp; Süd 😀</Sales_x005B_Region_x005D_><_x005B_Total_x0020_Amount_x005D_>12.50</_x005B_Total_x0020_Amount_x005D_>' +
  '<_x005B_Id_x005D_>6C0B1D5E-0A0B-4C1D-9E2F-123456789ABC</_x005B_Id_x005D_><_x005B_Any_x005D_ xsi:type="xsd:string"><![CDATA[<raw>]]></_x005B_Any_x005D_></row>' +
  '<row><_x005B_Total_x0020_Amount_x005D_>-0.01</_x005B_Total_x0020_Amount_x005D_><Sales_x005B_Region_x005D_ xsi:nil="true"/></row>' +
  '<row/>' +
  '<row><Sales_x005B_Region_x005D_></Sales_x005B_Region_x005D_><Sales_x005B_Region_x005D_>  spaced\n</Sales_x005B_Region_x005D_></row>';

const document = envelopeStart + rootStart + schema + rows + '</root>' + envelopeEnd;

const expectedColumns: RowsetColumn[] = [
  { name: 'Sales[Region]', elementName: 'Sales_x005B_Region_x005D_', type: 'xsd:string' },
  { name: '[Total Amount]', elementName: '_x005B_Total_x0020_Amount_x005D_', type: 'xsd:decimal' },
  { name: '[Id]', elementName: '_x005B_Id_x005D_', type: 'uuid' },
  { name: '[Any]', elementName: '_x005B_Any_x005D_', type: undefined },
];
const expectedRows = [
  ['Nord & Süd 😀', '12.50', '6C0B1D5E-0A0B-4C1D-9E2F-123456789ABC', '<raw>'],
  [null, '-0.01', null, null],
  [null, null, null, null],
  ['  spaced\n', null, null, null],
];

interface Events {
  log: string[];
  columns?: readonly RowsetColumn[];
  rows: Array<Array<string | null>>;
}

function parse(chunks: Array<Uint8Array | string>): Events & { sessionId?: string; error?: unknown } {
  const events: Events = { log: [], rows: [] };
  const parser = createRowsetParser({
    schema(columns) {
      events.log.push('schema');
      events.columns = columns;
    },
    row(cells) {
      events.log.push('row');
      events.rows.push(cells);
    },
  });
  try {
    for (const chunk of chunks) parser.write(chunk);
    parser.end();
  } catch (error) {
    return { ...events, sessionId: parser.sessionId, error };
  }
  return { ...events, sessionId: parser.sessionId };
}

describe('createRowsetParser', () => {
  it('reads the session header, the schema (sql:field or decoded name, resolved types) and rows with NULLs', () => {
    const result = parse([document]);
    expect(result.error).toBeUndefined();
    expect(result.sessionId).toBe('6C0B1D5E-0A0B-4C1D-9E2F-123456789ABC');
    expect(result.columns).toEqual(expectedColumns);
    expect(result.rows).toEqual(expectedRows);
    expect(result.log).toEqual(['schema', 'row', 'row', 'row', 'row']);
  });

  it('gives the same result whatever byte boundary the input is split at', () => {
    const bytes = Buffer.from(document, 'utf8');
    for (let at = 0; at <= bytes.length; at++) {
      const result = parse([bytes.subarray(0, at), bytes.subarray(at)]);
      if (result.error) throw new Error(`split at byte ${at}: ${(result.error as Error).message}`);
      expect(result.columns, `split at byte ${at}`).toEqual(expectedColumns);
      expect(result.rows, `split at byte ${at}`).toEqual(expectedRows);
    }
  });

  it('reads the document fed one byte at a time', () => {
    const bytes = Buffer.from(document, 'utf8');
    const result = parse(Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)));
    expect(result.rows).toEqual(expectedRows);
  });

  it('reports each row when it closes, before the rest of the document arrives', () => {
    const seen: number[] = [];
    const parser = createRowsetParser({ row: () => seen.push(seen.length) });
    parser.write(envelopeStart + rootStart + schema + rows.slice(0, rows.indexOf('</row>') + 6));
    expect(seen).toEqual([0]);
    expect(parser.complete).toBe(false);
  });

  it('throws a SOAP fault with the detail error code and description', () => {
    const fault =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
      '<faultcode>XMLAnalysisError.0xc10a0004</faultcode><faultstring>The syntax for \'x\' is incorrect.</faultstring>' +
      '<detail><Error ErrorCode="3238658052" Description="Query (1, 1) The syntax for &apos;x&apos; is incorrect." Source="Analysis Services" HelpFile=""/></detail>' +
      '</soap:Fault></soap:Body></soap:Envelope>';
    const { error } = parse([fault]);
    expect(error).toBeInstanceOf(XmlaServerError);
    expect(error).toMatchObject({ kind: 'fault', errorCode: '3238658052', message: "Query (1, 1) The syntax for 'x' is incorrect." });
  });

  it('falls back to faultcode and faultstring when a fault has no detail', () => {
    const fault =
      '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault>' +
      '<faultcode>XMLAnalysisError.0x80000005</faultcode><faultstring>Unexpected.</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>';
    expect(parse([fault]).error).toMatchObject({ kind: 'fault', errorCode: 'XMLAnalysisError.0x80000005', message: 'Unexpected.' });
  });

  it('throws an <Exception> with its <Messages> error', () => {
    const exception =
      envelopeStart +
      '<root xmlns="urn:schemas-microsoft-com:xml-analysis:empty"><Exception xmlns="urn:schemas-microsoft-com:xml-analysis:exception"/>' +
      '<Messages xmlns="urn:schemas-microsoft-com:xml-analysis:exception"><Warning WarningCode="1" Description="just a warning"/>' +
      '<Error ErrorCode="3239837702" Description="Query (1, 10) Cannot find table &apos;Nope&apos;." Source="x" HelpFile=""/></Messages></root>' +
      envelopeEnd;
    expect(parse([exception]).error).toMatchObject({ kind: 'exception', errorCode: '3239837702', message: "Query (1, 10) Cannot find table 'Nope'." });
  });

  it('delivers the rows before an error the server reports mid-stream, then throws it', () => {
    const midStream =
      envelopeStart + rootStart + schema + rows +
      '<Exception xmlns="urn:schemas-microsoft-com:xml-analysis:exception"/><Messages xmlns="urn:schemas-microsoft-com:xml-analysis:exception">' +
      '<Error ErrorCode="3240034318" Description="Memory error: allocation failure."/></Messages></root>' + envelopeEnd;
    const result = parse([midStream]);
    expect(result.rows).toHaveLength(4);
    expect(result.error).toMatchObject({ kind: 'exception', errorCode: '3240034318', message: 'Memory error: allocation failure.' });
  });

  it('throws an inline error in a cell', () => {
    const inline =
      envelopeStart + rootStart + schema +
      '<row><Sales_x005B_Region_x005D_><Error xmlns="urn:schemas-microsoft-com:xml-analysis:exception"><ErrorCode>2148497527</ErrorCode><Description>Security Error.</Description></Error></Sales_x005B_Region_x005D_></row></root>' +
      envelopeEnd;
    expect(parse([inline]).error).toMatchObject({ kind: 'inline', errorCode: '2148497527', message: 'Security Error.' });
  });

  it('keeps throwing the first error on later writes', () => {
    const parser = createRowsetParser();
    expect(() => parser.write('<not-closed attr="x>')).not.toThrow();
    expect(() => parser.write('<<<')).toThrow(XmlaProtocolError);
    expect(() => parser.write('more')).toThrow(XmlaProtocolError);
  });

  it('reports a document that stops early as truncated', () => {
    const { error } = parse([document.slice(0, document.length - 30)]);
    expect(error).toBeInstanceOf(XmlaProtocolError);
    expect((error as XmlaProtocolError).truncated).toBe(true);
  });

  it('reports malformed XML as a protocol error, not truncation', () => {
    const { error } = parse([envelopeStart + '<root><row></root>']);
    expect(error).toBeInstanceOf(XmlaProtocolError);
    expect((error as XmlaProtocolError).truncated).toBe(false);
  });

  it('takes the columns of a rowset without a schema from the rows, in order of appearance', () => {
    const discover =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><DiscoverResponse xmlns="urn:schemas-microsoft-com:xml-analysis"><return>' +
      '<root xmlns="urn:schemas-microsoft-com:xml-analysis:rowset"><row><PropertyName>DBMSVersion</PropertyName><Value>16.0.1</Value></row>' +
      '<row><PropertyName>ProviderName</PropertyName><PropertyDescription>d</PropertyDescription></row></root>' +
      '</return></DiscoverResponse></soap:Body></soap:Envelope>';
    const result = parse([discover]);
    expect(result.error).toBeUndefined();
    expect(result.log).toEqual(['row', 'row']);
    expect(result.rows).toEqual([
      ['DBMSVersion', '16.0.1'],
      ['ProviderName', null, 'd'],
    ]);
  });
});
