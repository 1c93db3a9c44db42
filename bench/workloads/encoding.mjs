// Frame encodings side by side on the same rows: what the host pays to encode a batch and a client
// to decode it, and how many bytes cross the relay. v8 serialisation is a Node-only reference point
// (clients in other languages could not read it), not a candidate.
import { createFrameDecoder, createFrameEncoder } from '@causeway/protocol';
import { performance } from 'node:perf_hooks';
import { deserialize, serialize } from 'node:v8';
import { formatTable, machineInfo } from '../lib/report.mjs';
import { mb, round, summarize } from '../lib/stats.mjs';

const columns = [
  { name: 'id', type: 'int64' },
  { name: 'n', type: 'int32' },
  { name: 'amount', type: 'decimal' },
  { name: 'label', type: 'string' },
  { name: 'at', type: 'timestamptz' },
  { name: 'flag', type: 'boolean' },
  { name: 'ratio', type: 'float64' },
  { name: 'ref', type: 'uuid' },
];

function makeBatches(rows, batchRows) {
  const batches = [];
  for (let start = 0; start < rows; start += batchRows) {
    const batch = [];
    for (let i = start; i < Math.min(rows, start + batchRows); i++) {
      batch.push([
        BigInt(i) * 7919n, i % 100000, `${(i % 99991) * 3}.${String(i % 100).padStart(2, '0')}`, `label-${String(i).padStart(14, '0')}`,
        new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace(/\.\d+Z$/, `.${String(i % 1e6).padStart(6, '0')}Z`),
        i % 3 === 0, i / 7, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      ]);
    }
    batches.push(batch);
  }
  return batches;
}

function measureFrames(encoding, batches) {
  const encoder = createFrameEncoder(encoding);
  let t = performance.now();
  const frames = [encoder.schema(0, columns), ...batches.map((b, i) => encoder.rows(i + 1, b))];
  const encodeMs = performance.now() - t;
  const bytes = frames.reduce((n, f) => n + f.byteLength, 0);
  const decoder = createFrameDecoder();
  t = performance.now();
  let rows = 0;
  for (const frame of frames) {
    const d = decoder.decode(frame);
    if (d.type === 'batch') rows += d.rows.length;
  }
  return { encodeMs, decodeMs: performance.now() - t, bytes, rows };
}

function measureV8(batches) {
  let t = performance.now();
  const frames = batches.map((b) => serialize(b));
  const encodeMs = performance.now() - t;
  t = performance.now();
  let rows = 0;
  for (const f of frames) rows += deserialize(f).length;
  return { encodeMs, decodeMs: performance.now() - t, bytes: frames.reduce((n, f) => n + f.byteLength, 0), rows };
}

/** The frame-encoding workload. */
export const encoding = {
  name: 'encoding',
  summary: 'encode + decode the same 8-column rows as msgpack and JSON frames (v8 serialisation as a Node-only reference)',
  options: {
    rows: { default: 200_000, integer: true, min: 1 },
    runs: { default: 5, integer: true, min: 1 },
    'batch-rows': { default: 2000, integer: true, min: 1 },
  },

  async run(options, log) {
    const startedAt = new Date().toISOString();
    const batches = makeBatches(options.rows, options['batch-rows']);
    const kinds = { msgpack: (b) => measureFrames('msgpack', b), json: (b) => measureFrames('json', b), v8: measureV8 };
    const samples = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
    for (let run = 1; run <= options.runs; run++) {
      // Interleaved, so a slower moment of the machine hits every encoding alike.
      for (const [name, measure] of Object.entries(kinds)) {
        const s = measure(batches);
        if (s.rows !== options.rows) throw new Error(`${name} decoded ${s.rows} rows, expected ${options.rows}`);
        samples[name].push(s);
      }
      log(`run ${run}/${options.runs} done`);
    }
    const result = {};
    for (const [name, list] of Object.entries(samples)) {
      const total = list.map((s) => s.encodeMs + s.decodeMs);
      result[name] = {
        encodeMs: summarize(list.map((s) => round(s.encodeMs, 1))),
        decodeMs: summarize(list.map((s) => round(s.decodeMs, 1))),
        totalMs: summarize(total.map((v) => round(v, 1))),
        rowsPerSecond: Math.round(options.rows / (summarize(total).median / 1000)),
        bytes: list[0].bytes,
      };
    }
    const ratio = (a, b) => summarize(samples[a].map((s, i) => round((s.encodeMs + s.decodeMs) / (samples[b][i].encodeMs + samples[b][i].decodeMs), 3)));
    return { workload: 'encoding', startedAt, options, machine: machineInfo(), result, ratios: { json_vs_msgpack: ratio('json', 'msgpack'), v8_vs_msgpack: ratio('v8', 'msgpack') }, samples };
  },

  format(report) {
    const rows = [['encoding', 'encode ms', 'decode ms', 'rows/s', 'MB']];
    for (const [name, r] of Object.entries(report.result)) rows.push([name, r.encodeMs.median, r.decodeMs.median, r.rowsPerSecond, mb(r.bytes)]);
    return `${formatTable(rows)}\n\njson/msgpack time ratio: ${report.ratios.json_vs_msgpack.median} (min ${report.ratios.json_vs_msgpack.min}, max ${report.ratios.json_vs_msgpack.max})`;
  },
};
