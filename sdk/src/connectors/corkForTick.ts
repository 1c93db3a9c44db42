/** The part of a socket (net.Socket, tls.TLSSocket, or any Writable) that corking needs. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

const corked = new WeakSet<Corkable>();

/**
 * Holds a socket's writes until the current tick, its promise continuations included, has run, so
 * messages that are ready together (a job and its first credit; a small job's accept, schema,
 * batch and end frames; a driver's parse, bind, describe and execute) leave in one write instead
 * of one syscall each. Adds no wait: the uncork runs before the event loop polls for I/O again.
 * Calling it again in the same tick does nothing.
 *
 * Why a microtask then a tick: called from an I/O callback, a plain `process.nextTick` would run
 * before that callback's promise continuations (Node runs the tick queue first, then drains the
 * microtasks) and let their writes through one by one. The microtask queued here runs in the
 * drain, and the tick it queues runs only once the drain is over.
 */
export function corkForTick(socket: Corkable): void {
  if (corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  queueMicrotask(() =>
    process.nextTick(() => {
      corked.delete(socket);
      socket.uncork();
    }),
  );
}
