import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { ensureBenchTable, pgConfig } from '../lib/postgres.mjs';
import { machineInfo } from '../lib/report.mjs';
import { round } from '../lib/stats.mjs';
import { startTcpForwarder } from '../lib/tcpForwarder.mjs';
import { cpuMs, describeVariant, formatThroughput, hostMemory, readThroughCauseway, reportHeader, runVariants, secondsRatios, startCauseway } from '../lib/throughputRuns.mjs';

/**
 * A (and C through the forwarder's port): what a careful user does without Causeway: a fresh
 * connection, a cursor, array rows, fixed-size batches. `bytes` is what came off the socket.
 */
async function readWithPg(text, batchRows, port) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const client = new pg.Client({ ...pgConfig, port });
  await client.connect();
  let rows = 0;
  let bytes;
  try {
    const cursor = client.query(new Cursor(text, [], { rowMode: 'array' }));
    for (;;) {
      const batch = await cursor.read(batchRows);
      if (batch.length === 0) break;
      rows += batch.length;
    }
    await cursor.close();
    bytes = client.connection.stream.bytesRead;
  } finally {
    await client.end();
  }
  return { seconds: (performance.now() - started) / 1000, rows, bytes, benchCpuMs: cpuMs(cpu) };
}

/** Runs psql with one meta-command; resolves with the bytes it wrote on stdout (0 when it writes a file). */
function psql(command) {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', pgConfig.host, '-p', String(pgConfig.port), '-U', pgConfig.user, '-d', pgConfig.database, '-c', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (d) => (bytes += d.length));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', (e) => reject(new Error(`cannot run psql (variant D): ${e.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`psql exited with ${code}: ${stderr.trim()}`))));
  });
}

/**
 * D: the database's own export, psql's \copy of the same rows to /dev/null (the practical limit of
 * getting the bytes out). The bytes are counted once, untimed, by the same copy to stdout.
 */
function copyVariant(text, format, rows) {
  let bytes;
  return async () => {
    bytes ??= await psql(`\\copy (${text}) to stdout with (format ${format})`);
    const started = performance.now();
    await psql(`\\copy (${text}) to '/dev/null' with (format ${format})`);
    // psql does not report rows for a copy to a file; the count is the table's, checked by A and B.
    return { seconds: (performance.now() - started) / 1000, rows, bytes };
  };
}

/** Rows per second of a full-table read: direct pg (A), Causeway (B), a TCP forwarder (C), psql \copy (D). */
export const throughput = {
  name: 'throughput',
  summary: 'read every row of an 8-column PostgreSQL table: pg-cursor direct (A), through Causeway (B), through socat (C), psql \\copy binary/text (D)',
  options: {
    rows: { default: 1_000_000, integer: true, min: 1 },
    runs: { default: 3, integer: true, min: 1 },
    'batch-rows': { default: 5000, integer: true, min: 1 },
  },

  async run(options, log) {
    const { rows, runs } = options;
    const batchRows = options['batch-rows'];
    const startedAt = new Date().toISOString();
    const machine = machineInfo();

    log(`table: ensuring bench_rows_${rows} ...`);
    const table = await ensureBenchTable(rows);
    log(`table: ${table.table} ${table.created ? `created in ${round(table.seconds, 1)} s` : 'already present'}`);
    const text = `select * from ${table.table}`;

    const forwarder = await startTcpForwarder({ host: pgConfig.host, port: pgConfig.port });
    let causeway;
    let results;
    try {
      causeway = await startCauseway({
        id: 'pg',
        connector: 'postgres',
        settings: { host: pgConfig.host, port: pgConfig.port, database: pgConfig.database, ssl: { mode: 'disable' } },
        // PostgreSQL trusts loopback; the password only has to be present.
        username: pgConfig.user,
        password: 'x',
      });
      results = await runVariants({
        runs,
        rows,
        log,
        variants: [
          { key: 'direct', label: 'A direct (pg-cursor)', read: () => readWithPg(text, batchRows, pgConfig.port) },
          { key: 'causeway', label: 'B causeway', read: () => readThroughCauseway(causeway, 'pg', text, batchRows) },
          { key: 'tunnel', label: 'C tunnel (pg-cursor via socat)', read: () => readWithPg(text, batchRows, forwarder.port) },
          { key: 'copyBinary', label: 'D copy binary (psql \\copy)', read: copyVariant(text, 'binary', rows) },
          { key: 'copyText', label: 'D copy text (psql \\copy)', read: copyVariant(text, 'text', rows) },
        ],
      });
    } finally {
      await causeway?.stop();
      await forwarder.stop();
    }

    const variants = {
      direct: { label: 'A direct (pg-cursor)', ...describeVariant(results, 'direct', 'pg + pg-cursor in the bench process, rowMode array, fresh connection per run; bytes: read from the socket') },
      causeway: {
        label: 'B causeway',
        ...describeVariant(results, 'causeway', 'relay client -> relay (bench process) -> websocket -> host (child process, disk spooler, stream mode) -> postgres; rows decoded by the client; bytes: batch frames'),
      },
      tunnel: { label: 'C tunnel (socat)', ...describeVariant(results, 'tunnel', 'as A, through socat TCP-LISTEN -> TCP:127.0.0.1:5432 (a plain TCP forwarder)') },
      copyBinary: { label: 'D copy binary', ...describeVariant(results, 'copyBinary', "psql -c \"\\copy (query) to '/dev/null' with (format binary)\"; a process start included; bytes: the same copy to stdout") },
      copyText: { label: 'D copy text', ...describeVariant(results, 'copyText', "psql -c \"\\copy (query) to '/dev/null' with (format text)\"") },
    };
    return {
      ...reportHeader('throughput', startedAt, machine, { rows, runs, batchRows }),
      table: { name: table.table, created: table.created, setupSeconds: round(table.seconds, 2) },
      query: text,
      variants,
      ratios: secondsRatios(results, {
        causeway_vs_direct: ['causeway', 'direct'],
        causeway_vs_tunnel: ['causeway', 'tunnel'],
        causeway_vs_copy: ['causeway', 'copyBinary'],
        causeway_vs_copy_text: ['causeway', 'copyText'],
        tunnel_vs_direct: ['tunnel', 'direct'],
      }),
      hostMemory: hostMemory(results, 'causeway', causeway.hostChild.startedRss),
      runs: results,
    };
  },

  format: (report) => formatThroughput(report, ['direct', 'causeway', 'tunnel', 'copyBinary', 'copyText']),
};
