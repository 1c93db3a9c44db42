import { describe, expect, it } from 'vitest';
import type { DataSourceHandle } from '../connector.js';
import { trackDataSources } from './trackDataSources.js';

function fakeHandle(closed: string[], name: string): DataSourceHandle {
  return {
    async *execute() {
      yield { kind: 'schema', columns: [{ name, type: 'string' }] };
    },
    testConnection: async () => ({ ok: true, serverVersion: name, latencyMs: 0 }),
    close: async () => void closed.push(name),
  };
}

describe('trackDataSources', () => {
  it('closes on dispose only the data sources still open', async () => {
    const closed: string[] = [];
    const connector = trackDataSources<{ name: string }>(async (settings) => fakeHandle(closed, settings.name));
    const limits = { maxConnections: 1, idleTimeoutMs: 1, connectTimeoutMs: 1 };
    const a = await connector.openDataSource({ name: 'a' }, { dataSourceId: 'a', limits });
    await connector.openDataSource({ name: 'b' }, { dataSourceId: 'b', limits });
    expect((await a.testConnection({ kind: 'password', username: 'u', password: 'p' }, { signal: new AbortController().signal })).serverVersion).toBe('a');
    await a.close();
    expect(closed).toEqual(['a']);
    await connector.dispose?.();
    expect(closed).toEqual(['a', 'b']);
    await connector.dispose?.();
    expect(closed).toEqual(['a', 'b']);
  });
});
