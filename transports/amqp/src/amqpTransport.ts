import { coreServices, defineRelayTransport, type RelayLink } from '@causeway/sdk';
import { resolveEndpoint } from './amqpEndpoint.js';
import { readClusterStatus } from './readClusterStatus.js';
import { openClusterMember } from './openClusterMember.js';
import { readAmqpSettings } from './readAmqpSettings.js';

/** The amqp relay-transport plugin: the gateway joins a cluster of gateways on an AMQP 1.0 broker. */
export const amqpTransport = defineRelayTransport({
  deps: { logger: coreServices.logger, plugin: coreServices.plugin },
  create({ logger, plugin }) {
    const settings = readAmqpSettings(plugin.settings);
    const links = new Set<RelayLink>();
    return {
      async connect(session, handler) {
        const endpoint = await resolveEndpoint(settings);
        const link = await openClusterMember({
          settings,
          endpoint,
          logger: logger.child({ cluster: settings.cluster, memberId: session.gatewayId }),
          session,
          handler,
          transportVersion: plugin.version,
        });
        links.add(link);
        return {
          async close() {
            links.delete(link);
            await link.close();
          },
        };
      },
      async clusterStatus(options = {}) {
        return readClusterStatus(settings, await resolveEndpoint(settings), options);
      },
      async dispose() {
        await Promise.all([...links].map((link) => link.close()));
        links.clear();
      },
    };
  },
});
