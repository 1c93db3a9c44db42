/** A SQL Server data source's settings, as validated by the manifest's `dataSourceSchema`. */
export interface SqlServerSettings {
  /** Host name or IP address of the server. */
  server: string;
  /** TCP port (default 1433). Ignored when `instanceName` is set: the SQL Browser service gives the port. */
  port?: number;
  /** A named instance, found through the SQL Browser service (UDP 1434). */
  instanceName?: string;
  database: string;
  /**
   * `true`: TDS 7.4, TLS negotiated inside PRELOGIN; `false`: no TLS; `"strict"`: TDS 8, TLS before
   * any TDS byte and the certificate always checked. Required: there is no silent default.
   */
  encrypt: boolean | 'strict';
  /** Accept any server certificate (encrypt `true` only; not allowed with `"strict"`). Default false. */
  trustServerCertificate?: boolean;
  /** The name the certificate must carry, when it differs from `server` (also sent as SNI). */
  hostNameInCertificate?: string;
  /** Path of a PEM file with the CA certificates to trust. */
  ca?: string;
  /** Shown in `sys.dm_exec_sessions.program_name`. */
  applicationName?: string;
  /** TDS packet size in bytes (512-32767; default 4096). */
  packetSize?: number;
  /** Fails a statement whose first response has not arrived within this many milliseconds (0: never; default 0). */
  requestTimeoutMs?: number;
}

/** The default SQL Server port. */
export const defaultPort = 1433;

/** The default application name. */
export const defaultApplicationName = 'causeway';

/** "host:port" or "host\instance", for messages. */
export function serverAddress(settings: Pick<SqlServerSettings, 'server' | 'port' | 'instanceName'>): string {
  return settings.instanceName ? `${settings.server}\\${settings.instanceName}` : `${settings.server}:${settings.port ?? defaultPort}`;
}
