import { amqpTransport } from './amqpTransport.js';

export { amqpTransport } from './amqpTransport.js';
export { readAmqpSettings, expandAddress, type AmqpTransportSettings, type AmqpAuthSettings, type ClusterAddresses } from './readAmqpSettings.js';
export { resolveEndpoint, toConnectionOptions, describeEndpoint, type AmqpEndpoint } from './amqpEndpoint.js';
export { openClusterMember, type ClusterMemberOptions } from './openClusterMember.js';
export { readClusterStatus, readClusterAnnouncements } from './readClusterStatus.js';
export { createJobMessage, readJobMessage, JOB_PROPERTIES, type JobMessageInput } from './jobMessage.js';
export { splitFrame, readResultMessage, RESULT_PROPERTIES, type ResultPart } from './resultMessages.js';
export { type MemberAnnouncement } from './memberAnnouncement.js';
export { openBrokerConnection, type BrokerConnection } from './openBrokerConnection.js';
export { browseQueue } from './browseQueue.js';
export { toBrokerError, describeBrokerError } from './brokerError.js';

/** The plugin definition the host loads from this package's entry module. */
export default amqpTransport;
