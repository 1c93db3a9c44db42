import mysql from 'mysql2';
import { performance } from 'node:perf_hooks';
import { createConnectionOptions } from '../../connectors/mysql/dist/createConnectionOptions.js';
import { createRowConverter, readFieldsAsBytes } from '../../connectors/mysql/dist/typeMap.js';
import { ensureMariadbBenchTable, mariadbConfig } from '../lib/mariadb.mjs';
import { formatTable, machineInfo } from '../lib/report.mjs';
import { ratioSummary, round, summarizeRounded } from '../lib/stats.mjs';
import { reportHeader } from '../lib/throughputRuns.mjs';

/** Reads every row with execute() and the connector's row converter; `rawDates` reads DATETIME/TIMESTAMP as bytes. */
function readAll(connection, sql, rawDates) {
  return new Promise((resolve, reject) => {
    let converter;
    let rows = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    connection
      .execute({ sql, rowsAsArray: true })
      .on('fields', (fields) => {
        converter = createRowConverter(fields, { tinyint1AsBoolean: true }, { binaryDateTimes: rawDates });
        readFieldsAsBytes(fields, converter.rawDateTimes);
      })
      .on('result', (row) => {
        converter.convert(row);
        rows += 1;
      })
      .on('error', reject)
      .on('end', () => {
        const c = process.cpuUsage(cpu);
        resolve({ seconds: (performance.now() - started) / 1000, cpuSeconds: (c.user + c.system) / 1e6, rows });
      });
  });
}

/**
 * The MySQL connector's decode path alone, in this process: mysql2's binary-protocol row parser
 * plus the connector's row converter, with DATETIME/TIMESTAMP as mysql2's date strings (as before
 * the fix) or as raw bytes formatted by the connector (now). The two alternate within each run on
 * one warm connection, with the connector's own mysql2 options.
 */
export const decodeMysql = {
  name: 'decode-mysql',
  summary: "MySQL connector decode path (mysql2 binary rows + the connector's converter): dates as mysql2 strings vs raw bytes, same run",
  options: { rows: { default: 300_000, integer: true, min: 1 }, runs: { default: 5, integer: true, min: 1 } },

  async run(options, log) {
    const startedAt = new Date().toISOString();
    const machine = machineInfo();
    const table = await ensureMariadbBenchTable(options.rows);
    const sql = `SELECT * FROM ${table.table}`;
    const connectionOptions = (await createConnectionOptions({ host: mariadbConfig.host, port: mariadbConfig.port, database: mariadbConfig.database }, 5000))({
      kind: 'password',
      username: mariadbConfig.user,
      password: mariadbConfig.password,
    });
    const connection = mysql.createConnection(connectionOptions);
    const runs = [];
    try {
      await readAll(connection, sql, true); // warm: prepare, parser compilation, JIT
      for (let run = 1; run <= options.runs; run++) {
        const order = run % 2 ? ['strings', 'bytes'] : ['bytes', 'strings'];
        const r = { run };
        for (const way of order) {
          r[way] = await readAll(connection, sql, way === 'bytes');
          if (r[way].rows !== options.rows) throw new Error(`read ${r[way].rows} rows instead of ${options.rows}`);
        }
        runs.push(r);
        log(`run ${run}/${options.runs}  cpu s: strings ${round(r.strings.cpuSeconds, 3)}, bytes ${round(r.bytes.cpuSeconds, 3)}`);
      }
    } finally {
      await new Promise((resolve) => connection.end(() => resolve()));
    }
    const cpuOf = (way) => summarizeRounded(runs.map((r) => r[way].cpuSeconds), 3);
    return {
      ...reportHeader('decode-mysql', startedAt, machine, options),
      query: sql,
      cpuSeconds: { dateStrings: cpuOf('strings'), rawDateBytes: cpuOf('bytes') },
      nsPerRow: {
        dateStrings: summarizeRounded(runs.map((r) => (r.strings.cpuSeconds * 1e9) / options.rows), 0),
        rawDateBytes: summarizeRounded(runs.map((r) => (r.bytes.cpuSeconds * 1e9) / options.rows), 0),
      },
      ratios: { strings_vs_bytes_cpu: ratioSummary(runs.map((r) => r.strings.cpuSeconds), runs.map((r) => r.bytes.cpuSeconds)) },
      runs,
    };
  },

  format(report) {
    const c = (x) => `${x.median} [${x.min}, ${x.max}]`;
    const m = report.machine;
    return [
      `decode-mysql: ${report.options.rows.toLocaleString('en-US')} rows x ${report.options.runs} runs  (load at start ${m.loadAverage.join(' ')}, at end ${m.loadAverageAtEnd.join(' ')})`,
      '',
      formatTable([
        ['median [min, max]', 'CPU s', 'ns/row'],
        ['dates as mysql2 strings (before)', c(report.cpuSeconds.dateStrings), c(report.nsPerRow.dateStrings)],
        ['dates as raw bytes (now)', c(report.cpuSeconds.rawDateBytes), c(report.nsPerRow.rawDateBytes)],
      ]),
      '',
      `CPU ratio before/now (same run): ${c(report.ratios.strings_vs_bytes_cpu)}`,
    ].join('\n');
  },
};
