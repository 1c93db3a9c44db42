import { CausewayError } from '@causeway/sdk';
import { message as amqpMessage, type Message } from 'rhea-promise';
import { messageBodyBytes } from './messageBody.js';

/** Application properties of job messages (and of their dead-lettered copies). */
export const JOB_PROPERTIES = {
  /** Failed attempts so far (a member that cannot run or answer a job sends it on with this counted up). */
  attempts: 'cw-attempts',
  /** The last failed attempt's error code and message. */
  lastErrorCode: 'cw-last-error-code',
  lastError: 'cw-last-error',
  /** The key id the client encrypted credentials to (informational). */
  keyId: 'cw-key-id',
  /** On a dead-lettered job: the error that put it there, which member, and when. */
  errorCode: 'cw-error-code',
  errorMessage: 'cw-error-message',
  deadLetteredBy: 'cw-dead-lettered-by',
  deadLetteredAt: 'cw-dead-lettered-at',
} as const;

/** Job ids as the relay job schema allows them. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** What a client puts on the job queue. */
export interface JobMessageInput {
  jobId: string;
  /** The job document (the relay job schema, with `jobId`). */
  body: Record<string, unknown>;
  /** Where members send the result messages. */
  replyTo: string;
  /** Session or group id for the replies (Service Bus sessions); copied to each result message's `group_id`. */
  replyToGroupId?: string;
  /** After this long unclaimed the broker drops (or dead-letters) the job. */
  ttlMs?: number;
  keyId?: string;
}

/** Builds a job message: the job id is the message id, the document a JSON data section. */
export function createJobMessage(input: JobMessageInput): Message {
  const properties: Record<string, string | number> = { [JOB_PROPERTIES.attempts]: 0 };
  if (input.keyId) properties[JOB_PROPERTIES.keyId] = input.keyId;
  return {
    message_id: input.jobId,
    reply_to: input.replyTo,
    ...(input.replyToGroupId ? { reply_to_group_id: input.replyToGroupId } : {}),
    content_type: 'application/json',
    creation_time: new Date(),
    durable: true,
    ...(input.ttlMs ? { ttl: input.ttlMs } : {}),
    application_properties: properties,
    body: amqpMessage.data_section(Buffer.from(JSON.stringify(input.body), 'utf8')),
  };
}

/** A job message as a member reads it. */
export type ReadJobMessage =
  | { ok: true; jobId: string; replyTo: string; replyToGroupId: string | undefined; body: unknown; attempts: number }
  | { ok: false; error: CausewayError; jobId: string | undefined; attempts: number };

/** Failed attempts recorded on a job message (0 for a fresh one). */
export function jobAttempts(message: Message): number {
  const value = message.application_properties?.[JOB_PROPERTIES.attempts] as unknown;
  const n = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/**
 * Reads a job message. A message without a usable job id or reply address, or whose body is not a
 * JSON document, cannot be answered: it is `CW_JOB_INVALID`, and the member retries or dead-letters it.
 * Whether the document is a valid job is the host's business (it answers `CW_JOB_INVALID` to the client).
 */
export function readJobMessage(message: Message): ReadJobMessage {
  const attempts = jobAttempts(message);
  const rawId = message.message_id;
  const jobId = typeof rawId === 'string' ? rawId : undefined;
  const fail = (why: string): ReadJobMessage => ({ ok: false, error: new CausewayError('CW_JOB_INVALID', `malformed job message${jobId ? ` ${jobId}` : ''}: ${why}`), jobId, attempts });
  if (jobId === undefined) return fail('its message-id is not a string');
  if (!JOB_ID_PATTERN.test(jobId)) return fail('its message-id is not a job id (8 to 64 letters, digits, "_" or "-")');
  if (typeof message.reply_to !== 'string' || message.reply_to.length === 0) return fail('it has no reply-to address');
  const bytes = messageBodyBytes(message.body);
  if (!bytes) return fail('its body is not a data section or a string');
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fail('its body is not JSON');
  }
  const group = message.reply_to_group_id;
  return { ok: true, jobId, replyTo: message.reply_to, replyToGroupId: typeof group === 'string' && group ? group : undefined, body, attempts };
}

/** The properties of a message copied for sending again: identity, reply route, expiry and body stay; delivery state does not. */
function copyOf(message: Message): Message {
  const copy: Message = { body: message.body, durable: true };
  for (const key of ['message_id', 'reply_to', 'reply_to_group_id', 'correlation_id', 'content_type', 'content_encoding', 'creation_time', 'absolute_expiry_time', 'group_id', 'user_id'] as const) {
    if (message[key] !== undefined && message[key] !== null) (copy as unknown as Record<string, unknown>)[key] = message[key];
  }
  if (message.ttl !== undefined) copy.ttl = message.ttl;
  return copy;
}

/** The job sent back to the job queue after a failed attempt, with the attempt counted and its error. */
export function retryJobMessage(message: Message, attempts: number, error: { code: string; message: string }): Message {
  return {
    ...copyOf(message),
    application_properties: {
      ...(message.application_properties ?? {}),
      [JOB_PROPERTIES.attempts]: attempts,
      [JOB_PROPERTIES.lastErrorCode]: error.code,
      [JOB_PROPERTIES.lastError]: error.message,
    },
  };
}

/** The copy of a job that goes to the dead-letter address: the job as it came, with why, by whom and when. */
export function deadLetterJobMessage(message: Message, attempts: number, error: { code: string; message: string }, memberId: string, at: Date): Message {
  return {
    ...copyOf(message),
    application_properties: {
      ...(message.application_properties ?? {}),
      [JOB_PROPERTIES.attempts]: attempts,
      [JOB_PROPERTIES.errorCode]: error.code,
      [JOB_PROPERTIES.errorMessage]: error.message,
      [JOB_PROPERTIES.deadLetteredBy]: memberId,
      [JOB_PROPERTIES.deadLetteredAt]: at.toISOString(),
    },
  };
}
