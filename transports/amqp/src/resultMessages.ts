import { CausewayError } from '@causeway/sdk';
import { message as amqpMessage, type Message } from 'rhea-promise';
import { messageBodyBytes } from './messageBody.js';

/** Application properties of result messages. */
export const RESULT_PROPERTIES = {
  /** The run that produced the frame: a job delivered again after a failover runs again under a new run id. */
  run: 'cw-run',
  /** The member that ran it (the control address to send a cancel to). */
  member: 'cw-member',
  /** The frame's sequence number. */
  seq: 'cw-seq',
  /** This message's part of the frame (0-based) and how many parts it has. */
  part: 'cw-part',
  parts: 'cw-parts',
} as const;

/** Bytes kept free in each message for its properties and sections. */
export const RESULT_MESSAGE_OVERHEAD_BYTES = 1024;

/** Who produced a result and where it goes. */
export interface ResultRoute {
  jobId: string;
  runId: string;
  memberId: string;
  /** Copied to `group_id` (Service Bus sessions). */
  groupId?: string | undefined;
}

/**
 * Splits one frame into result messages of at most `maxMessageBytes` each (a frame that fits is one
 * message). Each carries the job id (correlation-id), the run, the frame's sequence number and its part.
 */
export function splitFrame(route: ResultRoute, seq: number, frame: Uint8Array, maxMessageBytes: number): Message[] {
  const room = Math.max(1024, maxMessageBytes - RESULT_MESSAGE_OVERHEAD_BYTES);
  const parts = Math.max(1, Math.ceil(frame.byteLength / room));
  const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const messages: Message[] = [];
  for (let part = 0; part < parts; part++) {
    messages.push({
      correlation_id: route.jobId,
      ...(route.groupId ? { group_id: route.groupId } : {}),
      durable: false,
      application_properties: {
        [RESULT_PROPERTIES.run]: route.runId,
        [RESULT_PROPERTIES.member]: route.memberId,
        [RESULT_PROPERTIES.seq]: seq,
        [RESULT_PROPERTIES.part]: part,
        [RESULT_PROPERTIES.parts]: parts,
      },
      body: amqpMessage.data_section(bytes.subarray(part * room, Math.min(frame.byteLength, (part + 1) * room))),
    });
  }
  return messages;
}

/** One result message as a client reads it. */
export interface ResultPart {
  jobId: string;
  runId: string;
  memberId: string;
  seq: number;
  part: number;
  parts: number;
  data: Buffer;
}

function count(value: unknown): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : -1;
}

/** Reads a result message; one that is not a well-formed result part is `CW_RELAY_PROTOCOL`. */
export function readResultMessage(message: Message): ResultPart {
  const props = message.application_properties ?? {};
  const jobId = message.correlation_id;
  const runId = props[RESULT_PROPERTIES.run] as unknown;
  const memberId = props[RESULT_PROPERTIES.member] as unknown;
  const seq = count(props[RESULT_PROPERTIES.seq]);
  const part = count(props[RESULT_PROPERTIES.part]);
  const parts = count(props[RESULT_PROPERTIES.parts]);
  const data = messageBodyBytes(message.body);
  if (typeof jobId !== 'string' || typeof runId !== 'string' || typeof memberId !== 'string' || seq < 0 || parts < 1 || part < 0 || part >= parts || !data) {
    throw new CausewayError('CW_RELAY_PROTOCOL', `a result message${typeof jobId === 'string' ? ` for job ${jobId}` : ''} is malformed (needs correlation-id, ${Object.values(RESULT_PROPERTIES).join(', ')} and a data body)`);
  }
  return { jobId, runId, memberId, seq, part, parts, data };
}
