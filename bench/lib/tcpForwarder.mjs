import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts socat as a plain TCP forwarder from a free loopback port to `target` (`{ host, port }`),
 * standing for the tunnelling agents people use instead of a gateway. Resolves `{ port, stop() }`
 * once it accepts connections. socat is a Debian package the project's machines have.
 */
export async function startTcpForwarder(target) {
  const port = await freePort();
  const child = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `TCP:${target.host}:${target.port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const spawnError = new Promise((_, reject) => child.once('error', (e) => reject(new Error(`cannot run socat (the TCP forwarder of variant C): ${e.message}`))));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`socat exited with ${child.exitCode}: ${stderr.trim()}`);
    if (await Promise.race([canConnect(port), spawnError])) {
      return {
        port,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await sleep(20);
  }
  child.kill('SIGKILL');
  throw new Error(`socat did not listen on 127.0.0.1:${port} within 2 s: ${stderr.trim()}`);
}
