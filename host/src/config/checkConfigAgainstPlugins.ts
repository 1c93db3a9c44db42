import { CausewayError, type PluginKind } from '@causeway/sdk';
import type { PluginRuntime } from '../plugins/pluginRuntime.js';
import type { AjvSource } from '../validation/ajvOf.js';
import { describeAjvErrors, formatProblems, type SchemaProblem } from '../validation/describeAjvErrors.js';
import { pluginSchemaValidator } from '../validation/pluginSchemaValidator.js';
import type { ResolvedConfig } from './resolvedConfig.js';

/** Data source and plugin settings after validation against the plugins' own schemas (defaults applied). */
export interface CheckedSettings {
  plugins: Record<string, Record<string, unknown>>;
  dataSources: Record<string, { connector: Record<string, unknown>; auth: Record<string, unknown> }>;
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** The settings each plugin gets: `plugins.settings[id]`, with `relay.settings` for the relay transport. */
export function pluginSettingsOf(config: ResolvedConfig): Record<string, Record<string, unknown>> {
  const settings: Record<string, Record<string, unknown>> = { ...config.plugins.settings };
  settings[config.relay.transport] = { ...settings[config.relay.transport], ...config.relay.settings };
  return settings;
}

/**
 * Checks what the config asks of plugins before anything runs: every referenced plugin exists, is
 * enabled and of the right kind; settings match each plugin's schema; each data source pairs a
 * connector with an auth provider that produces an identity it accepts. Throws one
 * `CW_CONFIG_INVALID` listing every problem with its JSON pointer. Only the schemas of plugins the
 * config uses are looked at: built-ins' through their precompiled validators, others compiled by `ajv`.
 */
export async function checkConfigAgainstPlugins(ajv: AjvSource, config: ResolvedConfig, plugins: PluginRuntime): Promise<CheckedSettings> {
  const problems: SchemaProblem[] = [];
  const checked: CheckedSettings = { plugins: {}, dataSources: {} };

  const requirePlugin = (id: string, kind: PluginKind, pointer: string): boolean => {
    const manifest = plugins.manifest(id);
    if (!manifest) problems.push({ pointer, message: `names plugin "${id}", which was not discovered` });
    else if (manifest.kind !== kind) problems.push({ pointer, message: `names plugin "${id}", which is ${article(manifest.kind)}, not ${article(kind)}` });
    else if (!plugins.isEnabled(id)) problems.push({ pointer, message: `names plugin "${id}", which is disabled (built-ins: remove it from plugins.disabled; others: add it to plugins.enabled)` });
    else return true;
    return false;
  };
  const validate = async (pluginId: string, key: 'settingsSchema' | 'dataSourceSchema', value: unknown, pointer: string): Promise<Record<string, unknown>> => {
    const copy = structuredClone(value ?? {}) as Record<string, unknown>;
    const schema = plugins.manifest(pluginId)?.[key];
    if (!schema) return copy;
    const fn = await pluginSchemaValidator(ajv, pluginId, key, schema);
    if (!fn(copy)) problems.push(...describeAjvErrors(fn.errors, pointer));
    return copy;
  };

  const settings = pluginSettingsOf(config);
  const usedByDataSources = new Set(Object.values(config.dataSources).flatMap((ds) => [ds.connector, ds.auth.provider]));
  for (const info of plugins.list()) {
    if (!info.enabled) continue;
    // Only the selected relay transport runs: another one's required settings (a URL) are not asked for.
    // Likewise a connector or auth provider no data source uses never activates, so a built-in SSO
    // provider's required settings (a keytab, a signing key) are asked for only once it is used.
    const idle =
      (info.kind === 'relay-transport' && info.id !== config.relay.transport) ||
      ((info.kind === 'connector' || info.kind === 'auth-provider') && !usedByDataSources.has(info.id));
    if (idle && !(info.id in config.plugins.settings)) {
      checked.plugins[info.id] = {};
      continue;
    }
    const pointer = info.id === config.relay.transport ? '/relay/settings' : `/plugins/settings/${info.id}`;
    checked.plugins[info.id] = await validate(info.id, 'settingsSchema', settings[info.id], pointer);
  }
  for (const id of Object.keys(config.plugins.settings)) {
    if (!plugins.manifest(id)) problems.push({ pointer: `/plugins/settings/${id}`, message: `settings for plugin "${id}", which was not discovered` });
  }
  requirePlugin(config.relay.transport, 'relay-transport', '/relay/transport');
  requirePlugin(config.spooler.plugin, 'spooler', '/spooler/plugin');

  for (const [name, ds] of Object.entries(config.dataSources)) {
    const base = `/dataSources/${name}`;
    const hasConnector = requirePlugin(ds.connector, 'connector', `${base}/connector`);
    const hasProvider = requirePlugin(ds.auth.provider, 'auth-provider', `${base}/auth/provider`);
    const connector = hasConnector ? plugins.manifest(ds.connector) : undefined;
    const provider = hasProvider ? plugins.manifest(ds.auth.provider) : undefined;
    checked.dataSources[name] = {
      connector: connector ? await validate(ds.connector, 'dataSourceSchema', ds.settings, `${base}/settings`) : structuredClone(ds.settings ?? {}),
      auth: provider ? await validate(ds.auth.provider, 'dataSourceSchema', ds.auth.settings, `${base}/auth/settings`) : structuredClone(ds.auth.settings ?? {}),
    };
    if (connector?.connector && provider?.authProvider) {
      const accepted = connector.connector.identityKinds;
      const produced = provider.authProvider.produces;
      if (!produced.some((k) => accepted.includes(k))) {
        problems.push({
          pointer: `${base}/auth/provider`,
          message: `"${ds.auth.provider}" produces ${produced.join(', ')} identities, but connector "${ds.connector}" accepts only ${accepted.join(', ')}`,
        });
      }
    }
  }
  if (problems.length) {
    throw new CausewayError('CW_CONFIG_INVALID', `invalid gateway config:\n${formatProblems(problems, config.file)}`, {
      location: { file: config.file, pointer: problems[0]!.pointer },
      details: { problems },
    });
  }
  return checked;
}
