import { FRAME_HEADER_BYTES, decodeDocument, readFrameHeader } from '@causeway/protocol';
import { CausewayError, isErrorCode } from '@causeway/sdk';
import { createHash } from 'node:crypto';
import type { ResultPart } from '../resultMessages.js';

/** Puts one job's result messages back together as the frames the client reads, once each and in order. */
export interface ResultAssembler {
  /**
   * Takes one result message. Returns the frames it made deliverable (none, or the next frame).
   * Throws `CW_FRAME_INVALID` when a run skipped messages (they were lost), `CW_RESULT_DIVERGED`
   * when a run produced a frame already delivered differently, and a run's own error when its error
   * frame stands where the delivered result already went on.
   */
  push(part: ResultPart): Uint8Array[];
  /** Frames delivered so far, which is the next sequence number expected. */
  readonly delivered: number;
  /** True once the end or error frame was delivered; later messages are ignored. */
  readonly finished: boolean;
  /** The runs that sent messages, in the order they were first seen, with the frames each delivered first. */
  readonly runs: ReadonlyArray<RunInfo>;
}

/** A run of a job as the client saw it. */
export interface RunInfo {
  runId: string;
  memberId: string;
  /** Frames this run delivered before any other run did. */
  framesDelivered: number;
}

interface RunState {
  info: RunInfo;
  runId: string;
  memberId: string;
  /** The next frame and part this run must send. */
  nextSeq: number;
  nextPart: number;
  parts: number;
  chunks: Buffer[];
}

const digest = (frame: Uint8Array): Buffer => createHash('sha256').update(frame).digest();

/**
 * Creates the assembler of one job. Every run of a job (the first, and each run after a failover)
 * sends all frames from 0, in order, each split into parts. Frames are delivered by sequence number
 * from whichever run gets there first; a later run's copy of a delivered frame must have the same
 * SHA-256, so a run that would change rows already shown is refused instead of mixed in.
 */
export function createResultAssembler(jobId: string): ResultAssembler {
  const runs = new Map<string, RunState>();
  const runOrder: RunInfo[] = [];
  const digests: Buffer[] = [];
  let finished = false;

  const complete = (run: RunState, seq: number, frame: Buffer): Uint8Array[] => {
    const header = readFrameHeader(frame);
    if (header.seq !== seq) throw new CausewayError('CW_FRAME_INVALID', `job ${jobId}: result message for frame ${seq} holds frame ${header.seq}`);
    if (seq < digests.length) {
      if (digest(frame).equals(digests[seq]!)) return [];
      if (header.type === 'error') {
        // The run failed where an earlier run went on: its own error says more than "diverged".
        const doc = decodeDocument(header.encoding, frame.subarray(FRAME_HEADER_BYTES)) as { code?: unknown; message?: unknown };
        throw new CausewayError(isErrorCode(doc.code) ? doc.code : 'CW_INTERNAL', `job ${jobId} failed when it ran again on member ${run.memberId}: ${String(doc.message ?? '')}`);
      }
      const first = runOrder[0];
      throw new CausewayError(
        'CW_RESULT_DIVERGED',
        `job ${jobId} ran again on member ${run.memberId} after a failover and produced frame ${seq} differently from the run${first ? ` on member ${first.memberId}` : ''} that delivered it; ` +
          'the query is not deterministic (order it, and avoid now(), random() and changing data), so the result cannot be completed without mixing two runs',
      );
    }
    if (seq > digests.length) throw new CausewayError('CW_FRAME_INVALID', `job ${jobId}: frame ${seq} arrived before frame ${digests.length}`);
    digests.push(digest(frame));
    run.info.framesDelivered++;
    if (header.type === 'end' || header.type === 'error') finished = true;
    return [frame];
  };

  return {
    get delivered() {
      return digests.length;
    },
    get finished() {
      return finished;
    },
    get runs() {
      return runOrder;
    },
    push(part) {
      if (finished) return [];
      let run = runs.get(part.runId);
      if (!run) {
        run = { info: { runId: part.runId, memberId: part.memberId, framesDelivered: 0 }, runId: part.runId, memberId: part.memberId, nextSeq: 0, nextPart: 0, parts: 0, chunks: [] };
        runs.set(part.runId, run);
        runOrder.push(run.info);
      }
      if (part.seq < run.nextSeq || (part.seq === run.nextSeq && part.part < run.nextPart)) return []; // the broker delivered it twice
      if (part.seq !== run.nextSeq || part.part !== run.nextPart) {
        throw new CausewayError(
          'CW_FRAME_INVALID',
          `job ${jobId}: result messages of run ${run.runId} (member ${run.memberId}) are missing: expected frame ${run.nextSeq} part ${run.nextPart}, got frame ${part.seq} part ${part.part}`,
        );
      }
      if (part.part === 0) run.parts = part.parts;
      else if (part.parts !== run.parts) throw new CausewayError('CW_FRAME_INVALID', `job ${jobId}: frame ${part.seq} of run ${run.runId} changed its part count from ${run.parts} to ${part.parts}`);
      run.chunks.push(part.data);
      if (part.part < run.parts - 1) {
        run.nextPart++;
        return [];
      }
      const frame = run.chunks.length === 1 ? run.chunks[0]! : Buffer.concat(run.chunks);
      run.chunks = [];
      run.nextPart = 0;
      run.nextSeq++;
      return complete(run, part.seq, frame);
    },
  };
}
