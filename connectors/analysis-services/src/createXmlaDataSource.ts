import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  CausewayError,
  ConnectorError,
  type ConnectionIdentity,
  type DataSourceHandle,
  type Logger,
  type KerberosIdentity,
  type PasswordIdentity,
  type PoolLimits,
  type QueryRequest,
  type ResultPart,
  type TestConnectionResult,
} from '@causeway/sdk';
import { abortError, createIdentityPools, createRunSignal, type IdentityPoolStats, type PoolLease } from '@causeway/sdk/connectors';
import { buildXmlaRequest, type XmlaProperties, type XmlaRequest } from './buildXmlaRequest.js';
import { createAuthorizer, type AuthorizerFactory } from './createAuthorizer.js';
import { mapXmlaError, type XmlaErrorContext } from './mapXmlaError.js';
import { readXmlaResponse } from './readXmlaResponse.js';
import { sendXmlaRequest } from './sendXmlaRequest.js';
import { streamStatement } from './streamStatement.js';
import { createXmlaAgent, xmlaSessionPool, type XmlaAgentTls, type XmlaLease } from './xmlaSessionPool.js';
import type { XmlaSettings } from './xmlaSettings.js';

/** Options for opening an Analysis Services data source. */
export interface XmlaDataSourceOptions {
  dataSourceId: string;
  limits: PoolLimits;
  logger: Logger;
  /** Makes the per-identity request authorizer (the seam for a SPNEGO or OAuth token provider); default: Basic. */
  authorizerFactory?: AuthorizerFactory;
}

/** An Analysis Services data source handle, with pool counts for diagnostics. */
export interface XmlaDataSource extends DataSourceHandle {
  /** Leases and idle sockets held now, across identities. */
  poolStats(): IdentityPoolStats;
}

/** How a job's identity logs on: the HTTP credential, and the user the server acts as. */
interface Logon {
  credential: PasswordIdentity | KerberosIdentity;
  effectiveUserName: string | undefined;
}

// While the server still runs a statement past the job's deadline (its Cancel lost), its own Timeout stops it this much later.
const serverTimeoutGraceSeconds = 1;

/**
 * Opens an Analysis Services data source reached over XMLA/HTTP (msmdpump.dll): nothing connects
 * until the first query or test. Each identity gets its own keep-alive agent through the SDK's
 * identity pools; each query runs in its own XMLA session and streams its rowset.
 *
 * Identities: `password` logs on with HTTP Basic as that user; `effective-user` logs on with the
 * stored service credential and sets `EffectiveUserName` to the job's user on every request, so the
 * server applies that user's roles and row-level security (the service account must be a server
 * administrator, which Analysis Services requires for EffectiveUserName).
 */
export async function createXmlaDataSource(settings: XmlaSettings, options: XmlaDataSourceOptions): Promise<XmlaDataSource> {
  const { limits } = options;
  const logger = options.logger.child({ dataSourceId: options.dataSourceId });
  const url = endpointUrl(settings.url);
  const secure = url.protocol === 'https:';
  const where = `${url.hostname}:${url.port || (secure ? 443 : 80)}`;
  const tls = await tlsOptions(settings, where);
  const authentication = settings.authentication ?? 'basic';
  const authorizerFactory = options.authorizerFactory ?? createAuthorizer;
  const closeController = new AbortController();
  const background = new Set<Promise<void>>();

  const pools = createIdentityPools<ConnectionIdentity, XmlaLease>({
    limits,
    logger,
    product: 'Analysis Services',
    createPool: () => xmlaSessionPool(createXmlaAgent(secure, limits, tls)),
  });

  const context = (phase: XmlaErrorContext['phase'], logon: Logon): XmlaErrorContext => ({
    phase,
    where,
    catalog: settings.catalog,
    user: logon.credential.kind === 'kerberos' ? logon.credential.principal : logon.credential.username,
    effectiveUser: logon.effectiveUserName,
    connectTimeoutMs: limits.connectTimeoutMs,
  });

  const properties = (logon: Logon, deadline: number | undefined): XmlaProperties => {
    const limitsSeconds: number[] = [];
    if (settings.timeoutMs) limitsSeconds.push(Math.ceil(settings.timeoutMs / 1000));
    if (deadline !== undefined) limitsSeconds.push(Math.max(1, Math.ceil((deadline - Date.now()) / 1000)) + serverTimeoutGraceSeconds);
    return {
      catalog: settings.catalog,
      effectiveUserName: logon.effectiveUserName,
      localeIdentifier: settings.locale,
      timeoutSeconds: limitsSeconds.length > 0 ? Math.min(...limitsSeconds) : undefined,
    };
  };

  const sender = (lease: PoolLease<XmlaLease>, logon: Logon) => {
    const authorizer = authorizerFactory(authentication, logon.credential);
    const target = { url, agent: lease.session.agent, authorizer, connectTimeoutMs: limits.connectTimeoutMs };
    return (request: XmlaRequest, signal: AbortSignal) => sendXmlaRequest(target, buildXmlaRequest(request), signal);
  };

  const track = (work: Promise<void>): void => {
    background.add(work);
    void work.finally(() => background.delete(work));
  };

  async function* execute(request: QueryRequest, identity: ConnectionIdentity): AsyncGenerator<ResultPart, void, undefined> {
    const logon = logonOf(identity);
    const run = createRunSignal(request.signal, closeController.signal, request.deadline);
    const stopped = (): Error => abortError(run.signal.reason, request.deadline, where);
    try {
      if (run.signal.aborted) throw stopped();
      // Fails before any I/O for an authentication mode without a token provider.
      authorizerFactory(authentication, logon.credential);
      let lease: PoolLease<XmlaLease>;
      try {
        lease = await pools.acquire(identity, run.signal);
      } catch (error) {
        if (run.signal.aborted) throw stopped();
        throw mapXmlaError(error, context('connect', logon));
      }
      yield* streamStatement(request, {
        send: sender(lease, logon),
        properties: properties(logon, request.deadline),
        signal: run.signal,
        abortError: stopped,
        mapError: (error, phase) => mapXmlaError(error, context(phase, logon)),
        settleTimeoutMs: limits.connectTimeoutMs,
        release: (discard) => lease.release(discard),
        track,
        logger,
      });
    } finally {
      run.dispose();
    }
  }

  async function testConnection(identity: ConnectionIdentity, testOptions: { signal: AbortSignal }): Promise<TestConnectionResult> {
    const logon = logonOf(identity);
    authorizerFactory(authentication, logon.credential);
    const run = createRunSignal(testOptions.signal, closeController.signal, undefined);
    const started = performance.now();
    let lease: PoolLease<XmlaLease> | undefined;
    try {
      lease = await pools.acquire(identity, run.signal);
      const response = await sender(lease, logon)(
        { method: 'discover', requestType: 'DISCOVER_PROPERTIES', restrictions: { PropertyName: 'DBMSVersion' }, properties: properties(logon, undefined) },
        run.signal,
      );
      const { parser, rows } = await readXmlaResponse(response);
      const names = (parser.columns ?? []).map((column) => column.name);
      const nameAt = names.indexOf('PropertyName');
      const valueAt = names.indexOf('Value');
      const version = rows.find((row) => row[nameAt] === 'DBMSVersion')?.[valueAt] ?? undefined;
      return { ok: true, serverVersion: version ?? undefined, latencyMs: performance.now() - started };
    } catch (error) {
      if (run.signal.aborted) throw abortError(run.signal.reason, undefined, where);
      throw mapXmlaError(error, context('connect', logon));
    } finally {
      lease?.release(false);
      run.dispose();
    }
  }

  let closing: Promise<void> | undefined;
  return {
    execute,
    testConnection,
    poolStats: () => pools.stats(),
    close() {
      closing ??= (async () => {
        closeController.abort(new ConnectorError('CW_JOB_CANCELLED', `the Analysis Services data source ${options.dataSourceId} was closed`));
        // Cancels and EndSessions already on their way go out before the agents close.
        await Promise.allSettled([...background]);
        await pools.close();
      })();
      return closing;
    },
  };
}

function logonOf(identity: ConnectionIdentity): Logon {
  if (identity.kind === 'password' || identity.kind === 'kerberos') return { credential: identity, effectiveUserName: undefined };
  if (identity.kind === 'effective-user') {
    // An empty name would silently run the job with the service account's own (administrator) rights.
    if (!identity.effectiveUserName.trim()) {
      throw new ConnectorError('CW_AUTH_DENIED', `the effective-user identity names no user; refusing to run as the service account "${identity.service.username}"`);
    }
    return { credential: identity.service, effectiveUserName: identity.effectiveUserName };
  }
  throw new ConnectorError(
    'CW_AUTH_MODE_UNSUPPORTED',
    `the Analysis Services connector logs on with a user name and password, a service credential with an effective user, or Kerberos (SPNEGO), not a "${identity.kind}" identity`,
  );
}

function endpointUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new CausewayError('CW_CONFIG_INVALID', 'the Analysis Services "url" is not a valid URL', { cause: error, location: { field: 'url' } });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CausewayError('CW_CONFIG_INVALID', `the Analysis Services "url" must be http or https, not ${url.protocol}`, { location: { field: 'url' } });
  }
  if (url.username || url.password) {
    throw new CausewayError('CW_CONFIG_INVALID', `the Analysis Services "url" for ${url.host} must not hold a user name or password; they come from the data source's credential`, {
      location: { field: 'url' },
    });
  }
  return url;
}

async function tlsOptions(settings: XmlaSettings, where: string): Promise<XmlaAgentTls> {
  const rejectUnauthorized = settings.tls?.rejectUnauthorized ?? true;
  const caPath = settings.tls?.ca;
  if (caPath === undefined) return { rejectUnauthorized };
  try {
    return { rejectUnauthorized, ca: await readFile(caPath, 'utf8') };
  } catch (error) {
    throw new CausewayError('CW_CONFIG_INVALID', `cannot read the CA file for Analysis Services at ${where}: ${(error as Error).message}`, {
      cause: error,
      location: { file: caPath, field: 'tls.ca' },
    });
  }
}
