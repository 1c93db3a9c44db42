import { websocketTransport } from './websocketTransport.js';

export { websocketTransport } from './websocketTransport.js';
export { openRelayLink, type RelayLinkOptions } from './openRelayLink.js';
export { readWebSocketSettings, type WebSocketTransportSettings } from './readWebSocketSettings.js';
export { reconnectDelay } from './reconnectDelay.js';

/** The plugin definition the host loads from this package's entry module. */
export default websocketTransport;
