// In CI a missing required service fails the run; on a developer machine it fails too, with a clear
// line saying which service and how to start it — these services are part of the machine's contract.
import net from 'node:net';

/** Throws a clear error when nothing listens on host:port. */
export async function requireService(name: string, host: string, port: number): Promise<void> {
  const ok = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!ok) throw new Error(`${name} is required at ${host}:${port} and is not reachable${process.env.CI ? ' (CI=true: a missing service is a failure)' : ''}`);
}
