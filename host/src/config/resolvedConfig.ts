import type { DataSourceConfig } from '@causeway/schemas';

/** The gateway config after validation, with defaults applied and paths made absolute. */
export interface ResolvedConfig {
  /** The config file, when the config came from one. */
  file: string | undefined;
  /** Where relative paths of the config resolve: the config file's folder, or the embedder's `baseDir`. */
  baseDir: string;
  gatewayId: string;
  keyFile: string;
  recoveryKeyFile: string | undefined;
  dataDirectory: string;
  relay: { transport: string; settings: Record<string, unknown> };
  spooler: { plugin: string; mode: 'stream' | 'spool' };
  plugins: {
    searchPaths: string[];
    enabled: string[];
    disabled: string[];
    settings: Record<string, Record<string, unknown>>;
  };
  dataSources: Record<string, DataSourceConfig>;
  limits: { concurrentJobs: number; queryTimeoutMs: number; maxResultBytes: number; batchRows: number };
  log: { level: string };
}

/** Limits used when the config does not set them. */
export const defaultLimits: ResolvedConfig['limits'] = {
  concurrentJobs: 16,
  queryTimeoutMs: 10 * 60_000,
  maxResultBytes: 4 * 1024 ** 3,
  batchRows: 2000,
};
