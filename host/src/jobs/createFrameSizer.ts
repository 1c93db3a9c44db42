/**
 * Decides how many rows go into each result frame so that frames stay near a byte size, whatever
 * the width of the rows and however many rows the connector hands over at once.
 *
 * Why bytes and not rows: a frame is a unit of work and memory all along the pipeline (encoded,
 * copied behind its header, encrypted into the spool, read back, sent, buffered by the relay).
 * Frames of a fixed row count are 50 KB for narrow rows and megabytes for wide ones; each large
 * frame leaves several frame-sized buffers for the garbage collector and the C allocator to hold
 * (see docs/performance.md, Memory). The connector's batch (`batchRows`) still decides how many rows
 * are fetched from the database at once.
 */
export interface FrameSizer {
  /** How many of `available` rows to put in the next frame (at least 1 when rows are available). */
  next(available: number): number;
  /** Reports a frame of `rows` rows that encoded to `bytes` bytes. */
  observe(rows: number, bytes: number): void;
}

/** The first frame of a job, before any size is known, carries at most this many rows. */
const FIRST_FRAME_ROWS = 256;

/**
 * Creates the sizer of one job. Rows per frame start at FIRST_FRAME_ROWS and then follow the
 * bytes per row seen so far (a running figure over every frame of the job, so one wide row does
 * not swing the next frame), aiming at `targetBytes` per frame.
 */
export function createFrameSizer(targetBytes: number): FrameSizer {
  if (!(targetBytes > 0)) throw new RangeError(`targetBytes must be positive, got ${targetBytes}`);
  let rowsSeen = 0;
  let bytesSeen = 0;
  let rowsPerFrame = FIRST_FRAME_ROWS;
  return {
    next(available) {
      return Math.max(0, Math.min(available, rowsPerFrame));
    },
    observe(rows, bytes) {
      if (rows <= 0) return;
      rowsSeen += rows;
      bytesSeen += bytes;
      rowsPerFrame = Math.max(1, Math.floor(targetBytes / (bytesSeen / rowsSeen)));
    },
  };
}
