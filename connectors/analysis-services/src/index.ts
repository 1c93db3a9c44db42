import { coreServices, defineConnector } from '@causeway/sdk';
import { trackDataSources } from '@causeway/sdk/connectors';
import type { XmlaSettings } from './xmlaSettings.js';

export type { XmlaSettings, XmlaTls, XmlaAuthentication } from './xmlaSettings.js';
export type { XmlaAuthorizer, XmlaHttpTarget, AuthorizerFactory } from './createAuthorizer.js';

/**
 * The Analysis Services connector: DAX and MDX over XMLA/HTTP (msmdpump.dll). The HTTP client and
 * the XML parser are loaded when the first data source opens, so loading the plugin costs nothing
 * for gateways that do not use it.
 */
export default defineConnector<XmlaSettings, { logger: typeof coreServices.logger }>({
  deps: { logger: coreServices.logger },
  create: ({ logger }) =>
    trackDataSources(async (settings, options) => {
      const { createXmlaDataSource } = await import('./createXmlaDataSource.js');
      return createXmlaDataSource(settings, { ...options, logger });
    }),
});
