import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const CHILD_SCRIPT = fileURLToPath(new URL('../hostProcess.mjs', import.meta.url));

/**
 * Forks bench/hostProcess.mjs (a Causeway host alone in its process) with one data source
 * (`{ id, connector, settings, username, password }`) and optional host `limits` (config `limits`),
 * registers its key with `relay` and waits until the host is connected. Returns a handle:
 * gatewayId, pid, startedRss, resetPeak(), peak(), stop().
 */
export async function startHostChild(relay, dataSource, { limits } = {}) {
  const gatewayId = `bench-${randomBytes(4).toString('hex')}`;
  // --expose-gc lets the child collect garbage before an idle reading, so idle RSS is less noisy.
  // CAUSEWAY_BENCH_HOST_CPU_PROF=<folder> writes a V8 CPU profile of the host child there when it stops.
  const profileDir = process.env.CAUSEWAY_BENCH_HOST_CPU_PROF;
  // CAUSEWAY_BENCH_HOST_FLAGS="--max-semi-space-size=16 ..." adds Node flags to the host child (for tuning experiments).
  const extraFlags = (process.env.CAUSEWAY_BENCH_HOST_FLAGS ?? '').split(/\s+/).filter(Boolean);
  // CAUSEWAY_BENCH_HOST_ENV="MALLOC_MMAP_THRESHOLD_=131072 ..." sets environment variables for the host child only
  // (allocator settings take effect at process start, and the bench process should keep its own).
  const extraEnv = Object.fromEntries(
    (process.env.CAUSEWAY_BENCH_HOST_ENV ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  const child = fork(CHILD_SCRIPT, [relay.wsUrl, gatewayId, JSON.stringify({ dataSource, limits })], {
    env: { ...process.env, ...extraEnv },
    execArgv: ['--expose-gc', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...extraFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map();
  let exited;
  const exitedPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      for (const { reject } of pending.values()) reject(new Error(`the host child exited (code ${code}, signal ${signal}) before answering`));
      pending.clear();
      resolve(exited);
    });
  });
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(`host child: ${message.error}`));
  });

  const request = (type) => {
    if (exited) return Promise.reject(new Error(`the host child has exited (code ${exited.code}); cannot send "${type}"`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ id, type });
    });
  };

  const kill = async () => {
    if (exited) return;
    child.kill('SIGKILL');
    await exitedPromise;
  };

  try {
    const { publicKeyPem } = await request('keys');
    relay.registerGateway(gatewayId, publicKeyPem);
    const started = await request('start');
    return {
      gatewayId,
      pid: child.pid,
      startedRss: started.rss,
      resetPeak: () => request('resetPeak'),
      peak: () => request('peak'),
      async stop() {
        try {
          await request('stop');
        } catch {
          // Already gone, or the host failed to stop: the kill below still ends the child.
        }
        const timer = setTimeout(() => void kill(), 5_000);
        await exitedPromise;
        clearTimeout(timer);
      },
    };
  } catch (error) {
    await kill();
    throw error;
  }
}
