import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { CausewayError, type PasswordIdentity, type PoolLimits } from '@causeway/sdk';
import type { OracleConnectionAttributes } from './oracleDriver.js';
import { defaultPort, type OracleSettings } from './oracleSettings.js';

/** Builds the logon attributes for one identity. */
export type ConnectionAttributesFor = (identity: PasswordIdentity) => OracleConnectionAttributes;

/** The Easy Connect string for the settings: `[tcps://]host:port/service`, IPv6 hosts in brackets. */
export function easyConnectString(settings: Pick<OracleSettings, 'host' | 'port' | 'serviceName' | 'tls'>): string {
  const host = settings.host.includes(':') && !settings.host.startsWith('[') ? `[${settings.host}]` : settings.host;
  return `${settings.tls ? 'tcps://' : ''}${host}:${settings.port ?? defaultPort}/${settings.serviceName}`;
}

/** oracledb takes connect timeouts in whole seconds; never less than one. */
export function timeoutSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Turns validated settings into an attribute factory. Checks the wallet folder now, so a wrong
 * path fails when the data source is opened rather than on the first job.
 */
export async function createConnectionAttributes(settings: OracleSettings, limits: Pick<PoolLimits, 'connectTimeoutMs'>): Promise<ConnectionAttributesFor> {
  const base: Omit<OracleConnectionAttributes, 'user' | 'password'> = {
    connectString: easyConnectString(settings),
    connectTimeout: timeoutSeconds(limits.connectTimeoutMs),
    transportConnectTimeout: timeoutSeconds(limits.connectTimeoutMs),
  };
  const tls = settings.tls;
  if (tls) {
    base.sslServerDNMatch = tls.sslServerDNMatch ?? true;
    if (tls.sslServerCertDN !== undefined) base.sslServerCertDN = tls.sslServerCertDN;
    if (tls.walletLocation !== undefined) {
      const wallet = join(tls.walletLocation, 'ewallet.pem');
      try {
        await access(wallet, constants.R_OK);
      } catch (error) {
        throw new CausewayError('CW_CONFIG_INVALID', `cannot read the wallet ${wallet} for Oracle at ${settings.host}: ${(error as Error).message}`, {
          cause: error,
          location: { file: wallet, field: 'tls.walletLocation' },
        });
      }
      base.walletLocation = tls.walletLocation;
    }
  }
  return (identity) => ({ ...base, user: identity.username, password: identity.password });
}
