import { CausewayError } from '@causeway/sdk';
import type { GatewayConfig } from '@causeway/schemas';
import { isAbsolute, resolve } from 'node:path';
import { describeAjvErrors, formatProblems } from '../validation/describeAjvErrors.js';
import { validateGatewayConfig as validate } from '../validation/generated/validateGatewayConfig.js';
import { defaultLimits, type ResolvedConfig } from './resolvedConfig.js';

/**
 * Validates a config document and resolves it: defaults, absolute paths (relative to `baseDir`).
 * Throws `CW_CONFIG_INVALID` listing every problem with its JSON pointer. The validator is precompiled
 * (generated/validateGatewayConfig.ts): a start compiles no schema for the config.
 */
export function parseConfig(doc: unknown, options: { baseDir: string; file?: string }): ResolvedConfig {
  // Validate a copy: ajv's useDefaults writes into the document.
  const copy = structuredClone(doc);
  const valid = validate(copy);
  const problems = valid ? [] : describeAjvErrors(validate.errors);
  if (problems.length) {
    throw new CausewayError('CW_CONFIG_INVALID', `invalid gateway config:\n${formatProblems(problems, options.file)}`, {
      location: { file: options.file, pointer: problems[0]?.pointer },
      details: { problems },
    });
  }
  const config = copy as GatewayConfig;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(options.baseDir, p));
  return {
    file: options.file,
    baseDir: options.baseDir,
    gatewayId: config.gatewayId,
    keyFile: abs(config.keyFile),
    recoveryKeyFile: config.recoveryKeyFile ? abs(config.recoveryKeyFile) : undefined,
    dataDirectory: abs(config.dataDirectory ?? '.causeway'),
    relay: { transport: config.relay.transport ?? 'websocket', settings: { ...config.relay.settings } },
    spooler: { plugin: config.spooler?.plugin ?? 'disk', mode: config.spooler?.mode ?? 'stream' },
    plugins: {
      searchPaths: (config.plugins?.searchPaths ?? []).map(abs),
      enabled: config.plugins?.enabled ?? [],
      disabled: config.plugins?.disabled ?? [],
      settings: (config.plugins?.settings ?? {}) as Record<string, Record<string, unknown>>,
    },
    dataSources: config.dataSources,
    limits: { ...defaultLimits, ...config.limits },
    log: { level: config.log?.level ?? 'info' },
  };
}
