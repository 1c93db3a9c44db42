/** The XML namespaces of SOAP and XML for Analysis that the connector writes and reads. */
export const xmlaNamespaces = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  xmla: 'urn:schemas-microsoft-com:xml-analysis',
  rowset: 'urn:schemas-microsoft-com:xml-analysis:rowset',
  empty: 'urn:schemas-microsoft-com:xml-analysis:empty',
  exception: 'urn:schemas-microsoft-com:xml-analysis:exception',
  engine: 'http://schemas.microsoft.com/analysisservices/2003/engine',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  sql: 'urn:schemas-microsoft-com:xml-sql',
} as const;
