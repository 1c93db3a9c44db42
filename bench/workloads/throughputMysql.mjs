import mysql from 'mysql2';
import { performance } from 'node:perf_hooks';
import { ensureMariadbBenchTable, mariadbConfig } from '../lib/mariadb.mjs';
import { machineInfo } from '../lib/report.mjs';
import { round } from '../lib/stats.mjs';
import { cpuMs, describeVariant, formatThroughput, hostMemory, readThroughCauseway, reportHeader, runVariants, secondsRatios, startCauseway } from '../lib/throughputRuns.mjs';

// What a careful user asks of mysql2 for exact values: 64-bit integers and dates as text, not floats and Dates.
const exactOptions = { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true };

/**
 * A: mysql2 reading directly in this process: a fresh connection, the statement streamed with
 * backpressure (`query().stream()`, text protocol; `execute()`, the prepared-statement protocol the
 * connector uses, for A2), array rows, counting rows. The time includes connecting.
 */
async function readDirect(text, batchRows, protocol) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const connection = mysql.createConnection({ ...mariadbConfig, ...exactOptions });
  let rows = 0;
  let bytes;
  try {
    await new Promise((resolve, reject) => {
      const statement = { sql: text, rowsAsArray: true };
      const command = protocol === 'binary' ? connection.execute(statement) : connection.query(statement);
      const stream = command.stream({ highWaterMark: batchRows });
      stream.on('data', () => {
        rows += 1;
      });
      stream.once('error', reject);
      stream.once('end', resolve);
    });
    bytes = connection.stream.bytesRead;
  } finally {
    await new Promise((resolve) => connection.end(() => resolve()));
  }
  return { seconds: (performance.now() - started) / 1000, rows, bytes, benchCpuMs: cpuMs(cpu) };
}

/** Rows per second of a full-table read on MariaDB: mysql2 directly (A, A2) against the same read through Causeway (B). */
export const throughputMysql = {
  name: 'throughput-mysql',
  summary: 'read every row of an 8-column MariaDB table: mysql2 streaming directly (A text, A2 prepared) vs relay + host + mysql connector (B); host memory',
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

    log(`table: ensuring MariaDB bench_rows_${rows} ...`);
    const table = await ensureMariadbBenchTable(rows);
    log(`table: ${table.table} ${table.created ? `created in ${round(table.seconds, 1)} s` : 'already present'}`);
    const text = `SELECT * FROM ${table.table}`;

    let causeway;
    let results;
    try {
      causeway = await startCauseway({
        id: 'mariadb',
        connector: 'mysql',
        settings: { host: mariadbConfig.host, port: mariadbConfig.port, database: mariadbConfig.database },
        username: mariadbConfig.user,
        password: mariadbConfig.password,
      });
      results = await runVariants({
        runs,
        rows,
        log,
        variants: [
          { key: 'direct', label: 'A direct (mysql2 query stream)', read: () => readDirect(text, batchRows, 'text') },
          { key: 'directPrepared', label: 'A2 direct (mysql2 execute stream)', read: () => readDirect(text, batchRows, 'binary') },
          { key: 'causeway', label: 'B causeway', read: () => readThroughCauseway(causeway, 'mariadb', text, batchRows) },
        ],
      });
    } finally {
      await causeway?.stop();
    }

    return {
      ...reportHeader('throughput-mysql', startedAt, machine, { rows, runs, batchRows }),
      table: { name: table.table, created: table.created, setupSeconds: round(table.seconds, 2) },
      query: text,
      variants: {
        direct: { label: 'A  direct (mysql2 query)', ...describeVariant(results, 'direct', 'mysql2 query().stream() (text protocol) in the bench process, array rows, exact-value options, fresh connection per run; bytes: read from the socket') },
        directPrepared: {
          label: 'A2 direct (mysql2 execute)',
          ...describeVariant(results, 'directPrepared', 'mysql2 execute().stream() (prepared-statement protocol, as the connector runs it) in the bench process, same options'),
        },
        causeway: {
          label: 'B  causeway',
          ...describeVariant(results, 'causeway', 'relay client -> relay (bench process) -> websocket -> host (child process, disk spooler, stream mode) -> mysql connector -> MariaDB; bytes: batch frames'),
        },
      },
      ratios: secondsRatios(results, { causeway_vs_direct: ['causeway', 'direct'], causeway_vs_direct_prepared: ['causeway', 'directPrepared'] }),
      hostMemory: hostMemory(results, 'causeway', causeway.hostChild.startedRss),
      runs: results,
    };
  },

  format: (report) => formatThroughput(report, ['direct', 'directPrepared', 'causeway']),
};
