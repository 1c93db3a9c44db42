import { describe, expect, it } from 'vitest';
import { message as amqpMessage } from 'rhea-promise';
import { JOB_PROPERTIES, createJobMessage, deadLetterJobMessage, jobAttempts, readJobMessage, retryJobMessage } from './jobMessage.js';

const body = { jobId: 'job-0001', dataSource: 'pg', query: { text: 'select 1' } };

describe('job messages', () => {
  it('carry the job id as message id, the reply route, a TTL and the document as a JSON data section', () => {
    const message = createJobMessage({ jobId: 'job-0001', body, replyTo: '/amq/queue/c.reply.1', replyToGroupId: 'session-1', ttlMs: 60_000, keyId: 'KEY' });
    expect(message).toMatchObject({ message_id: 'job-0001', reply_to: '/amq/queue/c.reply.1', reply_to_group_id: 'session-1', ttl: 60_000, durable: true, application_properties: { [JOB_PROPERTIES.attempts]: 0, [JOB_PROPERTIES.keyId]: 'KEY' } });
    expect(readJobMessage(message)).toEqual({ ok: true, jobId: 'job-0001', replyTo: '/amq/queue/c.reply.1', replyToGroupId: 'session-1', body, attempts: 0 });
    // A string or binary AMQP value works as well as a data section.
    expect(readJobMessage({ ...message, body: JSON.stringify(body) })).toMatchObject({ ok: true, body });
    expect(readJobMessage({ ...message, body: Buffer.from(JSON.stringify(body)) })).toMatchObject({ ok: true, body });
  });

  it.each([
    [{ body: amqpMessage.data_section(Buffer.from('{}')), reply_to: '/q' }, 'message-id is not a string'],
    [{ message_id: 'short', body: '{}', reply_to: '/q' }, 'is not a job id'],
    [{ message_id: 'job-0001', body: '{}' }, 'no reply-to address'],
    [{ message_id: 'job-0001', body: 42, reply_to: '/q' }, 'not a data section or a string'],
    [{ message_id: 'job-0001', body: Buffer.from([0xff, 0]), reply_to: '/q', application_properties: { [JOB_PROPERTIES.attempts]: 2 } }, 'not JSON'],
  ])('reads %j as malformed: %s', (message, why) => {
    const read = readJobMessage(message);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.error).toMatchObject({ code: 'CW_JOB_INVALID', message: expect.stringContaining(why) });
      expect(read.attempts).toBe(jobAttempts(message));
    }
  });

  it('counts attempts on the copy sent back to the queue, and records why, by whom and when on the dead-lettered copy', () => {
    const original = { ...createJobMessage({ jobId: 'job-0001', body, replyTo: '/r', ttlMs: 5000 }), delivery_count: 3 };
    const retry = retryJobMessage(original, 2, { code: 'CW_RELAY_UNREACHABLE', message: 'reply address refused' });
    expect(retry).toMatchObject({ message_id: 'job-0001', reply_to: '/r', ttl: 5000, body: original.body, application_properties: { [JOB_PROPERTIES.attempts]: 2, [JOB_PROPERTIES.lastErrorCode]: 'CW_RELAY_UNREACHABLE' } });
    expect(retry).not.toHaveProperty('delivery_count');
    expect(jobAttempts(retry)).toBe(2);
    const dead = deadLetterJobMessage(retry, 3, { code: 'CW_JOB_INVALID', message: 'bad' }, 'plant-1', new Date('2026-11-23T10:00:00Z'));
    expect(dead.application_properties).toMatchObject({
      [JOB_PROPERTIES.attempts]: 3,
      [JOB_PROPERTIES.errorCode]: 'CW_JOB_INVALID',
      [JOB_PROPERTIES.errorMessage]: 'bad',
      [JOB_PROPERTIES.deadLetteredBy]: 'plant-1',
      [JOB_PROPERTIES.deadLetteredAt]: '2026-11-23T10:00:00.000Z',
      [JOB_PROPERTIES.lastErrorCode]: 'CW_RELAY_UNREACHABLE',
    });
    expect(jobAttempts({ body: null, application_properties: { [JOB_PROPERTIES.attempts]: -1 } })).toBe(0);
  });
});
