/** An error the server reported in the XMLA response: a SOAP fault, or an `<Exception>` with its `<Messages>`. */
export class XmlaServerError extends Error {
  /** The `ErrorCode` of the first `<Error>` (an unsigned int as text), or the SOAP fault code. */
  readonly errorCode: string | undefined;
  /** `fault`: the method did not run; `exception`: it failed while running or serialising (possibly after rows); `inline`: an error in a cell. */
  readonly kind: 'fault' | 'exception' | 'inline';

  constructor(kind: XmlaServerError['kind'], errorCode: string | undefined, description: string) {
    super(description);
    this.name = 'XmlaServerError';
    this.kind = kind;
    this.errorCode = errorCode;
  }
}

/** The response is not a well-formed XMLA document (malformed XML, a missing schema) or ended early. */
export class XmlaProtocolError extends Error {
  /** True when the document stopped before its end: the connection broke. */
  readonly truncated: boolean;

  constructor(message: string, options: { truncated?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'XmlaProtocolError';
    this.truncated = options.truncated ?? false;
  }
}

/** The endpoint answered with an HTTP status other than 2xx and no SOAP fault in the body. */
export class XmlaHttpError extends Error {
  readonly status: number;

  constructor(status: number, statusText: string) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
    this.name = 'XmlaHttpError';
    this.status = status;
  }
}
