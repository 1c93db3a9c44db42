import { ConnectorError, type Value } from '@causeway/sdk';
import { hasForbiddenXmlCharacter } from './escapeXml.js';

/** One XMLA `<Parameter>`: its name, the `xsi:type` of its value, and the value's text (null: `xsi:nil`). */
export interface XmlaParameter {
  name: string;
  /** `xsd:int`, `xsd:long`, `xsd:double`, `xsd:decimal`, `xsd:boolean`, `xsd:string` or `xsd:base64Binary`; absent for NULL. */
  type: string | undefined;
  text: string | null;
}

const int32 = 2 ** 31;
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/**
 * Turns the request's positional parameters into XMLA parameters named `p1`, `p2`, … (a DAX query
 * refers to them as `@p1`, `@p2`; MDX as `@p1` too). Each value is typed with `xsi:type` from its
 * JavaScript form: integers as xsd:int or xsd:long, other numbers as xsd:double, bigint as xsd:long
 * (xsd:decimal beyond 64 bits), strings as xsd:string, bytes as xsd:base64Binary, null as
 * `xsi:nil`. Arrays and JSON values have no XMLA form and are refused with CW_QUERY_FAILED, as is
 * text XML cannot carry (control characters).
 */
export function toXmlaParameters(values: readonly Value[]): XmlaParameter[] {
  return values.map((value, index) => {
    const name = `p${index + 1}`;
    const typed = typedText(value);
    if (!typed) {
      throw new ConnectorError('CW_QUERY_FAILED', `parameter @${name}: XMLA parameters are scalars; arrays and JSON values cannot be sent (send JSON as a string)`);
    }
    if (typed.text !== null && hasForbiddenXmlCharacter(typed.text)) {
      throw new ConnectorError('CW_QUERY_FAILED', `parameter @${name} holds a character XML cannot carry (a control character or a lone surrogate)`);
    }
    return { name, ...typed };
  });
}

function typedText(value: Value): { type: string | undefined; text: string | null } | undefined {
  if (value === null) return { type: undefined, text: null };
  switch (typeof value) {
    case 'boolean':
      return { type: 'xsd:boolean', text: String(value) };
    case 'number':
      if (Number.isInteger(value) && value >= -int32 && value < int32) return { type: 'xsd:int', text: String(value) };
      if (Number.isSafeInteger(value)) return { type: 'xsd:long', text: String(value) };
      return { type: 'xsd:double', text: doubleText(value) };
    case 'bigint':
      return { type: value >= int64Min && value <= int64Max ? 'xsd:long' : 'xsd:decimal', text: value.toString() };
    case 'string':
      return { type: 'xsd:string', text: value };
    default:
      if (value instanceof Uint8Array) return { type: 'xsd:base64Binary', text: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
      return undefined;
  }
}

// XML Schema spells the special values INF, -INF and NaN; JavaScript's shortest round-trip form is valid otherwise.
function doubleText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'INF';
  if (value === -Infinity) return '-INF';
  return String(value);
}
