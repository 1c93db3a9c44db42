import type { ClusterStatus } from '@causeway/sdk';
import type { AmqpEndpoint } from './amqpEndpoint.js';
import { browseQueue } from './browseQueue.js';
import { latestAnnouncements, memberStatus, readAnnouncement, type MemberAnnouncement } from './memberAnnouncement.js';
import { openBrokerConnection, type BrokerConnection } from './openBrokerConnection.js';

/** Reads the latest announcement of every live member off the status address, leaving the messages there. */
export async function readClusterAnnouncements(broker: BrokerConnection, cluster: string, statusAddress: string, timeoutMs = 5000): Promise<MemberAnnouncement[]> {
  const messages = await browseQueue(broker, statusAddress, { timeoutMs });
  return latestAnnouncements(
    messages.map(readAnnouncement).filter((a) => a !== undefined),
    cluster,
    Date.now(),
  );
}

/** The cluster's members as `causeway cluster status` shows them, read over a connection of its own (without joining). */
export async function readClusterStatus(
  settings: { cluster: string; addresses: { status: string }; connectTimeoutMs: number },
  endpoint: AmqpEndpoint,
  options: { signal?: AbortSignal } = {},
): Promise<ClusterStatus> {
  const broker = await openBrokerConnection(endpoint, options.signal ? { signal: options.signal } : {});
  try {
    const members = await readClusterAnnouncements(broker, settings.cluster, settings.addresses.status, settings.connectTimeoutMs);
    return { cluster: settings.cluster, members: members.map(memberStatus) };
  } finally {
    await broker.close(1000);
  }
}
