import { SaxesParser, type SaxesTagNS } from 'saxes';
import { decodeXmlName } from './decodeXmlName.js';
import { XmlaProtocolError, XmlaServerError } from './xmlaErrors.js';
import { xmlaNamespaces as ns } from './xmlaNamespaces.js';

/** One column of a rowset, from its inline XSD. */
export interface RowsetColumn {
  /** The column name: the schema's `sql:field`, else the decoded element name. */
  name: string;
  /** The element name rows use for this column (XML-name encoded). */
  elementName: string;
  /** `xsd:<local>` for an XML Schema type, the bare name of a type the rowset schema declares (`uuid`), or undefined. */
  type: string | undefined;
}

/** What the parser reports as the document streams in. */
export interface RowsetHandlers {
  /** The rowset's columns, once the inline XSD has been read (before the first row). */
  schema?(columns: readonly RowsetColumn[]): void;
  /** One row's cells in column order: the element's text, or null for a missing element or `xsi:nil`. */
  row?(cells: Array<string | null>): void;
}

/** A push parser for one XMLA SOAP response. */
export interface RowsetParser {
  /** Feeds the next bytes (UTF-8, split anywhere). Throws XmlaServerError or XmlaProtocolError. */
  write(chunk: Uint8Array | string): void;
  /** Ends the input; throws XmlaProtocolError (truncated) if the envelope did not close. */
  end(): void;
  /** The session id from a `<Session>` SOAP header (the answer to BeginSession). */
  readonly sessionId: string | undefined;
  /** The columns, once known (from the schema, or from the rows' elements when the rowset has no schema). */
  readonly columns: readonly RowsetColumn[] | undefined;
  /** True once the SOAP envelope has closed. */
  readonly complete: boolean;
}

type Tag = SaxesTagNS;

/**
 * Creates a streaming parser (saxes) for an XMLA Execute or Discover response. It reports the
 * columns of the rowset's inline XSD and then each `<row>` as soon as it closes, so the caller can
 * hold a bounded number of rows whatever the size of the document. A SOAP fault, an `<Exception>`
 * with its `<Messages>` (also after rows: the server closes the document at the point of failure)
 * and an inline `<Error>` in a cell throw XmlaServerError from `write`. A rowset without a schema
 * (some Discover rowsets) gets its columns from the rows' element names, in order of appearance.
 */
export function createRowsetParser(handlers: RowsetHandlers = {}): RowsetParser {
  const sax = new SaxesParser({ xmlns: true, position: false });
  const decoder = new TextDecoder('utf-8');
  let failure: Error | undefined;
  let sessionId: string | undefined;
  let complete = false;
  let depth = 0;

  // The rowset root and its schema.
  let rootDepth = -1;
  let schemaDepth = -1;
  let rowTypeDepth = -1;
  let schemaColumns: RowsetColumn[] | undefined;
  let columns: RowsetColumn[] | undefined;
  let growColumns = false;
  const indexOf = new Map<string, number>();

  // The row being read.
  let rowDepth = -1;
  let cells: Array<string | null> = [];
  let cellIndex = -1;
  let cellText = '';
  let cellNil = false;

  // Errors: SOAP fault fields, Exception/Messages, inline errors.
  let faultDepth = -1;
  let faultField: 'faultcode' | 'faultstring' | undefined;
  const fault = { faultcode: '', faultstring: '' };
  let exceptionSeen = false;
  let messagesDepth = -1;
  let firstError: { code: string | undefined; description: string } | undefined;
  let inlineDepth = -1;
  let inlineField: 'ErrorCode' | 'Description' | undefined;
  const inline = { ErrorCode: '', Description: '' };

  const attr = (tag: Tag, local: string, uri = ''): string | undefined => {
    for (const a of Object.values(tag.attributes)) if (a.local === local && a.uri === uri) return a.value;
    return undefined;
  };

  const typeOf = (qname: string | undefined): string | undefined => {
    if (qname === undefined) return undefined;
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    const local = colon < 0 ? qname : qname.slice(colon + 1);
    const uri = sax.resolve(prefix);
    return uri === ns.xsd ? `xsd:${local}` : local;
  };

  const addColumn = (column: RowsetColumn): number => {
    columns!.push(column);
    indexOf.set(column.elementName, columns!.length - 1);
    return columns!.length - 1;
  };

  const recordError = (code: string | undefined, description: string): void => {
    firstError ??= { code: code || undefined, description };
  };

  sax.on('error', (error) => {
    throw new XmlaProtocolError(`the server's response is not well-formed XML: ${error.message}`, { cause: error });
  });

  sax.on('opentag', (tag) => {
    depth += 1;
    const { uri, local } = tag;

    if (rowDepth >= 0) {
      if (depth === rowDepth + 1) {
        let index = indexOf.get(local);
        if (index === undefined && growColumns) index = addColumn({ name: decodeXmlName(local), elementName: local, type: undefined });
        cellIndex = index ?? -1;
        cellText = '';
        cellNil = attr(tag, 'nil', ns.xsi) === 'true';
      } else if (local === 'Error' && uri === ns.exception && inlineDepth < 0) {
        inlineDepth = depth;
      } else if (inlineDepth >= 0 && depth === inlineDepth + 1 && (local === 'ErrorCode' || local === 'Description')) {
        inlineField = local;
      }
      return;
    }

    if (faultDepth >= 0) {
      if (depth === faultDepth + 1 && (local === 'faultcode' || local === 'faultstring')) faultField = local;
      else if (local === 'Error') recordError(attr(tag, 'ErrorCode'), attr(tag, 'Description') ?? '');
      return;
    }

    if (rootDepth >= 0) {
      if (schemaDepth >= 0) {
        if (uri === ns.xsd && local === 'complexType' && attr(tag, 'name') === 'row') rowTypeDepth = depth;
        else if (rowTypeDepth >= 0 && uri === ns.xsd && local === 'element') {
          const elementName = attr(tag, 'name');
          if (elementName) {
            schemaColumns!.push({ name: attr(tag, 'field', ns.sql) ?? decodeXmlName(elementName), elementName, type: typeOf(attr(tag, 'type')) });
          }
        }
        return;
      }
      if (depth === rootDepth + 1) {
        if (uri === ns.xsd && local === 'schema') {
          schemaDepth = depth;
          schemaColumns = [];
        } else if (local === 'row' && uri === ns.rowset) {
          if (!columns) {
            columns = [];
            growColumns = true;
          }
          rowDepth = depth;
          cells = new Array<string | null>(columns.length).fill(null);
        } else if (local === 'Exception' && uri === ns.exception) {
          exceptionSeen = true;
        } else if (local === 'Messages' && uri === ns.exception) {
          messagesDepth = depth;
        }
        return;
      }
      if (messagesDepth >= 0 && local === 'Error') recordError(attr(tag, 'ErrorCode'), attr(tag, 'Description') ?? '');
      return;
    }

    if (uri === ns.xmla && local === 'Session') {
      sessionId = attr(tag, 'SessionId') ?? sessionId;
    } else if (uri === ns.soap && local === 'Fault') {
      faultDepth = depth;
    } else if (local === 'root' && (uri === ns.rowset || uri === ns.empty)) {
      rootDepth = depth;
    } else if (local === 'Exception' && uri === ns.exception) {
      exceptionSeen = true;
    } else if (local === 'Messages' && uri === ns.exception) {
      messagesDepth = depth;
    } else if (messagesDepth >= 0 && local === 'Error') {
      recordError(attr(tag, 'ErrorCode'), attr(tag, 'Description') ?? '');
    }
  });

  const onText = (text: string): void => {
    if (rowDepth >= 0) {
      if (inlineField) inline[inlineField] += text;
      else if (depth === rowDepth + 1 && cellIndex >= 0) cellText += text;
    } else if (faultField) {
      fault[faultField] += text;
    }
  };
  sax.on('text', onText);
  sax.on('cdata', onText);

  sax.on('closetag', (tag) => {
    const closing = depth;
    depth -= 1;
    if (rowDepth >= 0) {
      if (closing === rowDepth) {
        rowDepth = -1;
        // A row may carry cells of columns added (schema-less) after it started.
        if (cells.length < columns!.length) cells.push(...new Array<null>(columns!.length - cells.length).fill(null));
        handlers.row?.(cells);
      } else if (closing === rowDepth + 1) {
        if (cellIndex >= 0) {
          if (cells.length <= cellIndex) cells.push(...new Array<null>(cellIndex + 1 - cells.length).fill(null));
          cells[cellIndex] = cellNil ? null : cellText;
        }
        cellIndex = -1;
      } else if (closing === inlineDepth) {
        throw new XmlaServerError('inline', inline.ErrorCode.trim() || undefined, inline.Description.trim() || 'the server reported an error in a cell');
      } else if (inlineField && closing === inlineDepth + 1) {
        inlineField = undefined;
      }
      return;
    }
    if (faultDepth >= 0) {
      if (closing === faultDepth) {
        const description = firstError?.description || fault.faultstring.trim() || 'the server answered with a SOAP fault';
        throw new XmlaServerError('fault', firstError?.code ?? (fault.faultcode.trim() || undefined), description);
      }
      if (closing === faultDepth + 1) faultField = undefined;
      return;
    }
    if (closing === schemaDepth) {
      schemaDepth = -1;
      rowTypeDepth = -1;
      if (!columns) {
        columns = schemaColumns!;
        columns.forEach((column, index) => indexOf.set(column.elementName, index));
        handlers.schema?.(columns);
      }
      return;
    }
    if (closing === rowTypeDepth) {
      rowTypeDepth = -1;
      return;
    }
    if (closing === messagesDepth) {
      messagesDepth = -1;
      if (firstError) throw new XmlaServerError('exception', firstError.code, firstError.description || 'the server reported an error');
      return;
    }
    if (closing === rootDepth) {
      rootDepth = -1;
      if (exceptionSeen) throw new XmlaServerError('exception', firstError?.code, firstError?.description || 'the server reported an exception without a message');
      return;
    }
    if (closing === 1 && tag.uri === ns.soap && tag.local === 'Envelope') complete = true;
  });

  const guard = (work: () => void): void => {
    if (failure) throw failure;
    try {
      work();
    } catch (error) {
      failure = error instanceof XmlaServerError || error instanceof XmlaProtocolError ? error : new XmlaProtocolError(`the server's response could not be read: ${(error as Error).message}`, { cause: error });
      throw failure;
    }
  };

  return {
    write(chunk) {
      guard(() => {
        const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
        if (text) sax.write(text);
      });
    },
    end() {
      guard(() => {
        const rest = decoder.decode();
        if (rest) sax.write(rest);
        if (!complete) throw new XmlaProtocolError('the server\'s response ended before the XMLA document was complete', { truncated: true });
        sax.close();
      });
    },
    get sessionId() {
      return sessionId;
    },
    get columns() {
      return columns;
    },
    get complete() {
      return complete;
    },
  };
}
