import { createFrameEncoder } from '@causeway/protocol';
import { CausewayError, type FrameSource, type Logger, type SpooledFrame } from '@causeway/sdk';
import { EventEmitter } from 'node:events';
import type { AwaitableSender, Delivery, Message } from 'rhea-promise';
import { describe, expect, it } from 'vitest';
import { createMemberJob, type MemberJobOptions } from './createMemberJob.js';
import { readResultMessage } from './resultMessages.js';

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function resultFrames(batches: number, rowBytes = 10): SpooledFrame[] {
  const enc = createFrameEncoder('msgpack');
  const frames = [enc.schema(0, [{ name: 'v', type: 'string' }])];
  for (let b = 1; b <= batches; b++) frames.push(enc.rows(b, [['x'.repeat(rowBytes)]]));
  frames.push(enc.end(batches + 1, { rows: batches, bytes: 0, timings: {} }));
  return frames.map((data, seq) => ({ seq, data }));
}

/** A broker sender that settles each message when the test says so. */
function fakeSender(options: { credit?: number } = {}) {
  const events = new EventEmitter();
  let credit = options.credit ?? Number.POSITIVE_INFINITY;
  const sent: Array<{ message: Message; accept(): void; reject(error: Error): void }> = [];
  const sender = {
    sendable: () => credit > 0,
    send(message: Message, opts: { abortSignal?: AbortSignal } = {}) {
      credit--;
      return new Promise((resolve, reject) => {
        sent.push({ message, accept: () => resolve({}), reject });
        opts.abortSignal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    },
    on: (event: string, listener: () => void) => events.on(event, listener),
    removeListener: (event: string, listener: () => void) => events.removeListener(event, listener),
  };
  return {
    sender: sender as unknown as AwaitableSender,
    sent,
    grant(n: number) {
      credit = (Number.isFinite(credit) ? Math.max(credit, 0) : 0) + n;
      events.emit('sendable');
    },
  };
}

function source(frames: SpooledFrame[]): FrameSource & { acks: number[] } {
  const acks: number[] = [];
  return {
    acks,
    async *read(fromSeq, signal) {
      for (const f of frames) {
        if (signal.aborted) return;
        if (f.seq >= fromSeq) yield f;
      }
    },
    async acknowledge(seq) {
      acks.push(seq);
    },
  };
}

function job(overrides: Partial<MemberJobOptions> & { sender: AwaitableSender }) {
  const outcomes: string[] = [];
  const failures: CausewayError[] = [];
  const dispositions: string[] = [];
  const brokerDelivery = { accept: () => dispositions.push('accept'), release: () => dispositions.push('release') } as unknown as Delivery;
  const leases: string[] = [];
  const memberJob = createMemberJob({
    jobId: 'job-0001',
    body: {},
    replyTo: '/amq/queue/reply',
    replyToGroupId: undefined,
    brokerDelivery,
    memberId: 'plant-1',
    runId: 'run-1',
    logger: silent,
    maxMessageBytes: 4096,
    sendWindow: 4,
    sendTimeoutMs: 5000,
    replySender: async (address) => {
      leases.push(address);
      return { sender: overrides.sender, release: () => leases.push(`released ${address}`) };
    },
    onSettled: (outcome) => outcomes.push(outcome),
    onDeliveryFailed: (error) => failures.push(error),
    ...overrides,
  });
  return { memberJob, outcomes, failures, dispositions, leases };
}

describe('createMemberJob', () => {
  it('acknowledges a frame once all its parts are accepted, and accepts the job only after the end frame', async () => {
    const fake = fakeSender();
    const j = job({ sender: fake.sender, sendWindow: 100 });
    const frames = resultFrames(2, 6000); // each batch frame is two messages
    const src = source(frames);
    const responding = j.memberJob.delivery.respond(src);
    await settle();
    const parts = fake.sent.map((s) => readResultMessage(s.message));
    expect(parts.map((p) => `${p.seq}.${p.part}/${p.parts}`)).toEqual(['0.0/1', '1.0/2', '1.1/2', '2.0/2', '2.1/2', '3.0/1']);
    expect(parts.every((p) => p.jobId === 'job-0001' && p.runId === 'run-1' && p.memberId === 'plant-1')).toBe(true);
    expect(j.leases).toEqual(['/amq/queue/reply']);
    fake.sent[0]!.accept();
    fake.sent[1]!.accept();
    await settle();
    expect(src.acks).toEqual([0]); // frame 1 has a part still unsettled
    fake.sent[2]!.accept();
    fake.sent[3]!.accept();
    fake.sent[4]!.accept();
    await settle();
    expect(src.acks).toEqual([0, 1, 2]);
    expect(j.dispositions).toEqual([]);
    fake.sent[5]!.accept();
    await responding;
    expect(src.acks).toEqual([0, 1, 2, 3]);
    expect(j.dispositions).toEqual(['accept']);
    expect(j.outcomes).toEqual(['ok']);
    expect(j.memberJob.settled).toBe(true);
    expect(j.leases).toContain('released /amq/queue/reply');
  });

  it('sends only under credit, with at most sendWindow messages unsettled', async () => {
    const fake = fakeSender({ credit: 1 });
    const j = job({ sender: fake.sender, sendWindow: 2 });
    const responding = j.memberJob.delivery.respond(source(resultFrames(4)));
    await settle();
    expect(fake.sent).toHaveLength(1);
    fake.grant(10);
    await settle();
    expect(fake.sent).toHaveLength(2); // the window is full
    fake.sent[0]!.accept();
    await settle();
    expect(fake.sent).toHaveLength(3);
    for (let i = 1; i < 6; i++) {
      fake.sent[i]!.accept();
      await settle();
    }
    await responding;
    expect(j.outcomes).toEqual(['ok']);
  });

  it('stops without settling when revoked, and gives the job back when handed back', async () => {
    const fake = fakeSender();
    const j = job({ sender: fake.sender });
    const responding = j.memberJob.delivery.respond(source(resultFrames(3)));
    await settle();
    const reason = new CausewayError('CW_RELAY_UNREACHABLE', 'lost the broker');
    j.memberJob.revoke(reason);
    await expect(responding).rejects.toBe(reason);
    expect(j.memberJob.delivery.revoked?.aborted).toBe(true);
    expect(j.dispositions).toEqual([]);
    expect(j.failures).toEqual([]);

    const other = job({ sender: fakeSender().sender });
    other.memberJob.handBack(new CausewayError('CW_SHUTTING_DOWN', 'leaving'));
    expect(other.dispositions).toEqual(['release']);
    await expect(other.memberJob.delivery.respond(source(resultFrames(1)))).rejects.toMatchObject({ code: 'CW_SHUTTING_DOWN' });
  });

  it('reports a result the broker would not take, or a reply address it would not attach, as a failed delivery', async () => {
    const fake = fakeSender();
    const j = job({ sender: fake.sender });
    const responding = j.memberJob.delivery.respond(source(resultFrames(1)));
    await settle();
    fake.sent[0]!.reject(new Error("received a 'rejected' disposition"));
    await expect(responding).rejects.toMatchObject({ code: 'CW_RELAY_UNREACHABLE', message: expect.stringContaining('/amq/queue/reply') });
    expect(j.failures.map((f) => f.code)).toEqual(['CW_RELAY_UNREACHABLE']);
    expect(j.memberJob.delivery.revoked?.aborted).toBe(true);
    expect(j.dispositions).toEqual([]);

    const refused = job({ sender: fake.sender, replySender: () => Promise.reject(new Error('amqp:not-found: no exchange')) });
    await expect(refused.memberJob.delivery.respond(source(resultFrames(1)))).rejects.toMatchObject({ code: 'CW_RELAY_UNREACHABLE', message: expect.stringContaining('could not attach to reply address /amq/queue/reply') });
    expect(refused.failures).toHaveLength(1);
  });
});
