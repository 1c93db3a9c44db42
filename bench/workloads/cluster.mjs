// Gateway clusters on RabbitMQ (AMQP 1.0): jobs/s with one member vs three, and failover time.
// Members are real hosts in child processes (test/support/clusterMemberProcess.mjs), the broker is the
// machine's RabbitMQ (a throw-away vhost per run of the workload), the client is
// @causeway/transport-amqp/client, the data source the machine's PostgreSQL.
import { createKeyFile } from '@causeway/host';
import { encryptForGateway } from '@causeway/protocol';
import { createClusterClient } from '@causeway/transport-amqp/client';
import { execFile, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pgConfig } from '../lib/postgres.mjs';
import { formatTable, machineInfo } from '../lib/report.mjs';
import { round, summarize } from '../lib/stats.mjs';

const run = promisify(execFile);
const MEMBER_SCRIPT = fileURLToPath(new URL('../../test/support/clusterMemberProcess.mjs', import.meta.url));
const broker = { host: '127.0.0.1', port: 5672, username: 'guest', password: 'guest' };
const PASSWORD_ENV = 'CAUSEWAY_BENCH_AMQP_PASSWORD';

async function rabbitmqctl(...args) {
  await run('rabbitmqctl', ['--quiet', ...args], { timeout: 60_000 });
}

async function createVhost() {
  const id = randomBytes(4).toString('hex');
  const vhost = `causeway-bench-${id}`;
  const cluster = `b${id}`;
  await rabbitmqctl('add_vhost', vhost, '--default-queue-type', 'quorum');
  await rabbitmqctl('set_permissions', '-p', vhost, broker.username, '.*', '.*', '.*');
  const policy = { 'delivery-limit': 5, 'dead-letter-exchange': '', 'dead-letter-routing-key': `${cluster}.dead` };
  await rabbitmqctl('set_policy', '-p', vhost, `${cluster}-jobs`, `^${cluster}\\.jobs$`, JSON.stringify(policy), '--apply-to', 'queues');
  return { vhost, cluster, delete: () => rabbitmqctl('delete_vhost', vhost) };
}

function memberConfig({ vhost, cluster }, keys, memberId, dataDirectory, concurrentJobs) {
  return {
    gatewayId: memberId,
    keyFile: keys.keyFile,
    dataDirectory,
    relay: {
      transport: 'amqp',
      settings: {
        url: `amqp://${broker.host}:${broker.port}`,
        cluster,
        vhost,
        auth: { username: broker.username, passwordEnv: PASSWORD_ENV },
        statusIntervalMs: 500,
        reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
      },
    },
    spooler: { plugin: 'disk', mode: 'stream' },
    dataSources: {
      pg: {
        connector: 'postgres',
        settings: { host: pgConfig.host, port: pgConfig.port, database: pgConfig.database, ssl: { mode: 'disable' } },
        auth: { provider: 'stored-credential', secret: encryptForGateway(keys.publicKeyPem, { username: pgConfig.user, password: 'trusted-anyway' }) },
      },
    },
    limits: { concurrentJobs },
  };
}

/** A member host in a child process; resolves once it has joined the cluster. */
async function startMember(cluster, keys, memberId, concurrentJobs) {
  const dataDirectory = await mkdtemp(join(tmpdir(), 'causeway-bench-member-'));
  const config = memberConfig(cluster, keys, memberId, dataDirectory, concurrentJobs);
  const child = fork(MEMBER_SCRIPT, [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, CAUSEWAY_RECOVERY_KEY: keys.recoveryKey, [PASSWORD_ENV]: broker.password },
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    child.on('message', (m) => (m?.type === 'ready' ? resolve() : m?.type === 'failed' ? reject(new Error(m.error)) : undefined));
    child.once('exit', (code, signal) => reject(new Error(`member ${memberId} exited before it joined (${code ?? signal})`)));
    child.send({ type: 'start', config, baseDir: dataDirectory });
  });
  return {
    memberId,
    child,
    kill() {
      child.kill('SIGKILL');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ type: 'stop' });
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** Runs `jobs` jobs with at most `inFlight` at once; returns jobs/s and per-job latencies. */
async function runJobs(client, jobs, inFlight, text) {
  const latencies = [];
  let next = 0;
  let rows = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < jobs) {
      next++;
      const t = performance.now();
      const { rows: got } = await (await client.run({ dataSource: 'pg', query: { text } })).collect();
      rows += got.length;
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { jobsPerSecond: jobs / seconds, rows, p50Ms: latencies[Math.floor(latencies.length * 0.5)], p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] };
}

/**
 * Streams a `rows`-row job; after `killAfter` rows, SIGKILLs the member running it. Measures from the
 * kill to the first message of the new run, and to the first frame the new run delivers (frames
 * beyond what the dead member sent before it died: streaming resumed).
 */
async function failoverOnce(client, members, rows, killAfter) {
  const text = `select g as id, md5(g::text) as label from generate_series(1, ${rows}) g order by g`;
  const stream = await client.run({ dataSource: 'pg', query: { text }, options: { batchRows: 500 } });
  let seen = 0;
  let last = 0;
  let killedAt;
  let secondRunAt;
  let resumedAt;
  let inOrder = true;
  const watch = () => {
    if (killedAt === undefined) return;
    const runs = stream.runs();
    if (runs.length > 1 && secondRunAt === undefined) secondRunAt = performance.now();
    if (runs.length > 1 && runs[1].framesDelivered > 0 && resumedAt === undefined) resumedAt = performance.now();
  };
  const timer = setInterval(watch, 5);
  try {
    for await (const batch of stream.rows()) {
      for (const row of batch) {
        const id = Number(row[0]);
        if (id !== last + 1) inOrder = false;
        last = id;
      }
      seen += batch.length;
      watch();
      if (killedAt === undefined && seen >= killAfter) {
        const runner = members.find((m) => m.memberId === stream.runs()[0]?.memberId);
        if (!runner) throw new Error(`no member named ${stream.runs()[0]?.memberId} to kill`);
        runner.kill();
        killedAt = performance.now();
        members.splice(members.indexOf(runner), 1);
      }
    }
  } finally {
    clearInterval(timer);
  }
  if (seen !== rows || !inOrder) throw new Error(`failover run delivered ${seen} of ${rows} rows (in order: ${inOrder})`);
  return {
    runs: stream.runs().length,
    toSecondRunMs: secondRunAt === undefined ? null : secondRunAt - killedAt,
    toResumedRowsMs: resumedAt === undefined ? null : resumedAt - killedAt,
  };
}

function stat(values, digits = 1) {
  const s = summarize(values);
  return { median: round(s.median, digits), min: round(s.min, digits), max: round(s.max, digits) };
}

export const cluster = {
  name: 'cluster',
  summary: 'AMQP 1.0 cluster on RabbitMQ: jobs/s with 1 member vs 3 (tiny and 2,000-row jobs), and SIGKILL failover time',
  options: {
    runs: { default: 3, integer: true, min: 1 },
    jobs: { default: 300, integer: true, min: 10 },
    'in-flight': { default: 24, integer: true, min: 1 },
    'concurrent-jobs': { default: 8, integer: true, min: 1 },
    'failover-rows': { default: 100_000, integer: true, min: 10_000 },
    'kill-after': { default: 5_000, integer: true, min: 1 },
  },
  async run(options, log) {
    const startedAt = new Date().toISOString();
    const machine = machineInfo();
    const vhost = await createVhost();
    const keyDir = await mkdtemp(join(tmpdir(), 'causeway-bench-cluster-keys-'));
    const members = [];
    let client;
    try {
      const keyFile = join(keyDir, 'keys.json');
      const recoveryKey = `bench recovery key ${randomBytes(6).toString('hex')}`;
      const opened = await createKeyFile(keyFile, recoveryKey, { scrypt: { N: 1024, r: 8, p: 1 } });
      const keys = { keyFile, recoveryKey, publicKeyPem: opened.publicKeyPem };
      client = createClusterClient({ url: `amqp://${broker.host}:${broker.port}`, vhost: vhost.vhost, cluster: vhost.cluster, username: broker.username, password: broker.password, publicKey: keys.publicKeyPem });
      const start = async () => members.push(await startMember(vhost, keys, `m${members.length + 1}-${randomBytes(2).toString('hex')}`, options['concurrent-jobs']));

      const workloads = [
        { name: 'tiny', text: 'select 1 as one' },
        { name: 'rows2000', text: 'select g as id, md5(g::text) as label from generate_series(1, 2000) g order by g' },
      ];
      const samples = { one: { tiny: [], rows2000: [] }, three: { tiny: [], rows2000: [] } };
      await start();
      // Warm the member's pool and the client's reply queue.
      await runJobs(client, 20, 4, 'select 1');
      for (const size of ['one', 'three']) {
        if (size === 'three') {
          await start();
          await start();
          await runJobs(client, 30, 6, 'select 1');
        }
        for (let r = 0; r < options.runs; r++) {
          for (const w of workloads) {
            const s = await runJobs(client, options.jobs, options['in-flight'], w.text);
            samples[size][w.name].push(s);
            log(`${size} member(s), ${w.name}, run ${r + 1}: ${round(s.jobsPerSecond, 1)} jobs/s, p50 ${round(s.p50Ms, 1)} ms, p99 ${round(s.p99Ms, 1)} ms`);
          }
        }
      }

      const failovers = [];
      for (let r = 0; r < options.runs; r++) {
        while (members.length < 3) await start();
        const f = await failoverOnce(client, members, options['failover-rows'], options['kill-after']);
        failovers.push(f);
        log(`failover ${r + 1}: new run's first message ${round(f.toSecondRunMs ?? NaN, 0)} ms after the kill, new rows ${round(f.toResumedRowsMs ?? NaN, 0)} ms`);
      }

      const throughput = {};
      const ratios = {};
      for (const w of workloads) {
        const one = samples.one[w.name].map((s) => s.jobsPerSecond);
        const three = samples.three[w.name].map((s) => s.jobsPerSecond);
        throughput[w.name] = {
          oneMember: { jobsPerSecond: stat(one), p99Ms: stat(samples.one[w.name].map((s) => s.p99Ms)) },
          threeMembers: { jobsPerSecond: stat(three), p99Ms: stat(samples.three[w.name].map((s) => s.p99Ms)) },
        };
        ratios[`three_vs_one_${w.name}`] = stat(three.map((t, i) => t / one[i]), 2);
      }
      const measured = failovers.filter((f) => f.toSecondRunMs !== null && f.toResumedRowsMs !== null);
      return {
        workload: 'cluster',
        startedAt,
        machine,
        options,
        note: 'members, broker, PostgreSQL and the client share this machine; jobs/s on 2 cores scale little with members',
        throughput,
        ratios,
        failover: {
          runs: failovers,
          toSecondRunMs: measured.length ? stat(measured.map((f) => f.toSecondRunMs), 0) : null,
          toResumedRowsMs: measured.length ? stat(measured.map((f) => f.toResumedRowsMs), 0) : null,
        },
      };
    } finally {
      await client?.close().catch(() => {});
      await Promise.all(members.map((m) => m.stop().catch(() => {})));
      await rm(keyDir, { recursive: true, force: true });
      await vhost.delete().catch(() => {});
    }
  },
  format(report) {
    const rows = [['jobs', '1 member jobs/s', '3 members jobs/s', '3/1', 'p99 ms (1 / 3)']];
    for (const [name, t] of Object.entries(report.throughput)) {
      const r = report.ratios[`three_vs_one_${name}`];
      rows.push([name, `${t.oneMember.jobsPerSecond.median} (${t.oneMember.jobsPerSecond.min}–${t.oneMember.jobsPerSecond.max})`, `${t.threeMembers.jobsPerSecond.median} (${t.threeMembers.jobsPerSecond.min}–${t.threeMembers.jobsPerSecond.max})`, `${r.median}`, `${t.oneMember.p99Ms.median} / ${t.threeMembers.p99Ms.median}`]);
    }
    const f = report.failover;
    const fl = (s) => (s ? `${s.median} ms (${s.min}–${s.max})` : 'not measured');
    return `${formatTable(rows)}\n\nfailover (SIGKILL mid-stream): new run's first message ${fl(f.toSecondRunMs)}; new rows ${fl(f.toResumedRowsMs)}`;
  },
};
