import { describe, expect, it } from 'vitest';
import { serverAddress } from './sqlServerSettings.js';

describe('serverAddress', () => {
  it('names the server by host and port, or by its instance', () => {
    expect(serverAddress({ server: 'db.local' })).toBe('db.local:1433');
    expect(serverAddress({ server: 'db.local', port: 1500 })).toBe('db.local:1500');
    expect(serverAddress({ server: 'db.local', port: 1433, instanceName: 'SQLEXPRESS' })).toBe('db.local\\SQLEXPRESS');
  });
});
