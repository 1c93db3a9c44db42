import { coreServices, defineRelayTransport, type RelayLink } from '@causeway/sdk';
import { openRelayLink } from './openRelayLink.js';
import { readWebSocketSettings } from './readWebSocketSettings.js';

/** The websocket relay-transport plugin: one outbound WebSocket to the relay per connected session. */
export const websocketTransport = defineRelayTransport({
  deps: { logger: coreServices.logger, plugin: coreServices.plugin },
  create({ logger, plugin }) {
    const settings = readWebSocketSettings(plugin.settings);
    const links = new Set<RelayLink>();
    return {
      async connect(session, handler) {
        const link = await openRelayLink({ settings, logger: logger.child({ gatewayId: session.gatewayId }), session, handler });
        links.add(link);
        return {
          async close() {
            links.delete(link);
            await link.close();
          },
        };
      },
      async dispose() {
        await Promise.all([...links].map((link) => link.close()));
        links.clear();
      },
    };
  },
});
