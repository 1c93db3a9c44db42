import http from 'node:http';
import https from 'node:https';
import type { PoolLimits } from '@causeway/sdk';
import type { SessionPool } from '@causeway/sdk/connectors';

/**
 * What the connector leases per query: the right to run one statement over the identity's
 * keep-alive agent. XMLA sessions themselves are not pooled: each query opens its own explicit
 * session (BeginSession), so that it can be cancelled by session id and no session state (session
 * calculations, the effective user) carries over from one job to the next.
 */
export interface XmlaLease {
  agent: http.Agent;
}

/** TLS options an https agent carries. */
export interface XmlaAgentTls {
  ca?: string;
  rejectUnauthorized: boolean;
}

/** Creates one identity's keep-alive agent: at most `maxConnections` idle sockets, and one socket beyond the limit for Cancel requests. */
export function createXmlaAgent(secure: boolean, limits: PoolLimits, tls: XmlaAgentTls): http.Agent {
  const options = { keepAlive: true, maxSockets: limits.maxConnections + 1, maxFreeSockets: limits.maxConnections, scheduling: 'lifo' as const };
  return secure ? new https.Agent({ ...options, ...tls }) : new http.Agent(options);
}

/**
 * Adapts an identity's agent to the SDK's `SessionPool`, so `createIdentityPools` can cap leases
 * across identities and end a pool (destroying its idle sockets) after `idleTimeoutMs`. `total`
 * counts leases plus idle sockets and `idle` the idle sockets, which is what the pools need to make
 * room for another identity. Discarding a lease needs nothing more: a statement whose state is in
 * doubt has had its request destroyed, and its socket with it.
 */
export function xmlaSessionPool(agent: http.Agent): SessionPool<XmlaLease> {
  let leased = 0;
  const freeSockets = (): number => Object.values(agent.freeSockets).reduce((sum, list) => sum + (list?.length ?? 0), 0);
  return {
    acquire() {
      leased += 1;
      return Promise.resolve({ agent });
    },
    release() {
      leased = Math.max(0, leased - 1);
    },
    end() {
      agent.destroy();
      return Promise.resolve();
    },
    get total() {
      return leased + freeSockets();
    },
    get idle() {
      return freeSockets();
    },
  };
}
