import { CausewayError } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { brokerErrorFields, describeBrokerError, toBrokerError } from './brokerError.js';

describe('brokerError', () => {
  it('reads rhea errors, described lists and socket errors', () => {
    expect(brokerErrorFields({ condition: 'amqp:unauthorized-access', description: 'Failed to authenticate: 1' })).toEqual({ condition: 'amqp:unauthorized-access', description: 'Failed to authenticate: 1' });
    expect(brokerErrorFields({ value: [{ value: 'amqp:not-found' }, { value: 'no queue' }, { value: null }] })).toEqual({ condition: 'amqp:not-found', description: 'no queue' });
    expect(brokerErrorFields(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toEqual({ code: 'ECONNREFUSED', description: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect(describeBrokerError(undefined)).toBe('unknown error');
  });

  it('makes a refused login CW_RELAY_AUTH_FAILED and everything else CW_RELAY_UNREACHABLE, naming TLS failures', () => {
    expect(toBrokerError({ condition: 'amqp:unauthorized-access', description: "Access for user 'gw' was refused" }, 'amqp://b:5672', 'opening the connection')).toMatchObject({
      code: 'CW_RELAY_AUTH_FAILED',
      message: "the broker at amqp://b:5672 refused opening the connection: amqp:unauthorized-access: Access for user 'gw' was refused",
    });
    expect(toBrokerError(Object.assign(new Error('getaddrinfo ENOTFOUND b'), { code: 'ENOTFOUND' }), 'amqp://b:5672', 'opening the connection').code).toBe('CW_RELAY_UNREACHABLE');
    const tls = toBrokerError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'amqps://b:5671', 'opening the connection');
    expect(tls.message).toBe('the TLS handshake with the broker at amqps://b:5671 failed while opening the connection: DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate');
    const coded = new CausewayError('CW_CLUSTER_KEY_MISMATCH', 'keys');
    expect(toBrokerError(coded, 'x', 'y')).toBe(coded);
  });
});
