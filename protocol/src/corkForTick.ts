/** The part of a socket (net.Socket, or any Writable) that corking needs. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

const corked = new WeakSet<Corkable>();

/**
 * Holds a socket's writes until the current tick (its microtasks included) has run, so messages
 * that are ready together (a job and its first credit; a small job's accept, schema, batch and end
 * frames) leave in one write instead of one syscall each. Adds no wait: the uncork runs before the
 * event loop polls for I/O again. Calling it again in the same tick does nothing.
 */
export function corkForTick(socket: Corkable): void {
  if (corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(() => {
    corked.delete(socket);
    socket.uncork();
  });
}
