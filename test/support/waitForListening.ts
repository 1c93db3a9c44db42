// Waits until a server the tests started listens on its loopback port, failing early with its log
// when it exits first: shared by the throw-away slapd, KDC and MariaDB.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** What to wait for: `name` listening on 127.0.0.1:`port`, started as `child`. */
export interface ListeningTarget {
  name: string;
  port: number;
  child: ChildProcess;
  /** How long to wait, in ms. */
  timeoutMs: number;
  /** The server's log, quoted (its end) when it exits before listening. */
  log?: () => string | Promise<string>;
}

/** Resolves once a TCP connect to 127.0.0.1:port succeeds; rejects if the child exits or time runs out. */
export function waitForListening(target: ListeningTarget): Promise<void> {
  const { name, port, child } = target;
  const until = Date.now() + target.timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) {
        const exited = `${name} exited (${child.exitCode ?? child.signalCode}) before listening`;
        void Promise.resolve(target.log?.() ?? '').then(
          (text) => reject(new Error(text ? `${exited}: ${text.slice(-3000)}` : exited)),
          () => reject(new Error(exited)),
        );
        return;
      }
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > until) reject(new Error(`${name} did not listen on 127.0.0.1:${port} within ${target.timeoutMs} ms`));
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}
