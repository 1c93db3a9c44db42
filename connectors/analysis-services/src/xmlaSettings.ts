/** TLS settings of an XMLA endpoint reached over https. */
export interface XmlaTls {
  /** Path of a PEM file with the CA certificates to trust (instead of the system store). */
  ca?: string;
  /** Check the server's certificate and host name (default true). */
  rejectUnauthorized?: boolean;
}

/** How the connector authenticates the HTTP requests to the endpoint. */
export type XmlaAuthentication = 'basic' | 'negotiate';

/** An Analysis Services data source's settings, as validated by the manifest's `dataSourceSchema`. */
export interface XmlaSettings {
  /** The XMLA HTTP endpoint, e.g. `https://olap.example.com/olap/msmdpump.dll` (no credentials in it). */
  url: string;
  /** The database (catalog) queries run in; the server's default database when omitted. */
  catalog?: string;
  /** `basic` (default): HTTP Basic with the identity's user name and password; `negotiate`: SPNEGO with a Kerberos identity. */
  authentication?: XmlaAuthentication;
  tls?: XmlaTls;
  /** Server-side command timeout in milliseconds, sent as the XMLA `Timeout` property (whole seconds); 0: the server's default. */
  timeoutMs?: number;
  /** Windows locale identifier (LCID, e.g. 1033) sent as `LocaleIdentifier`, for the server's messages and formats. */
  locale?: number;
}
