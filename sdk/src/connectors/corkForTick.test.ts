import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { corkForTick } from './corkForTick.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function socketPair(): Promise<{ client: Socket; server: Socket }> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const { port } = listener.address() as { port: number };
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  const [server] = await accepted;
  cleanups.push(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { client, server };
}

function countWrites(socket: Socket): { writev: number; write: number } {
  const counts = { writev: 0, write: 0 };
  const original = { writev: socket._writev!.bind(socket), write: socket._write.bind(socket) };
  socket._writev = (chunks, cb) => {
    counts.writev++;
    original.writev(chunks, cb);
  };
  socket._write = (chunk, encoding, cb) => {
    counts.write++;
    original.write(chunk, encoding, cb);
  };
  return counts;
}

describe('corkForTick', () => {
  it('corks once per tick and uncorks before the next I/O, writing everything in one writev', async () => {
    const { client, server } = await socketPair();
    const counts = countWrites(client);
    const received: Buffer[] = [];
    server.on('data', (chunk: Buffer) => received.push(chunk));

    corkForTick(client);
    corkForTick(client);
    expect(client.writableCorked).toBe(1);
    client.write('a');
    await Promise.resolve();
    client.write('b');
    client.write('c');
    expect(client.writableCorked).toBe(1);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(client.writableCorked).toBe(0);
    expect(counts.writev).toBe(1);
    expect(counts.write).toBe(0);

    while (Buffer.concat(received).length < 3) await once(server, 'data');
    expect(Buffer.concat(received).toString()).toBe('abc');

    // A later tick corks again.
    corkForTick(client);
    expect(client.writableCorked).toBe(1);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(client.writableCorked).toBe(0);
  });

  it('called from an I/O callback, also holds the writes of that callback\'s promise continuations', async () => {
    const { client, server } = await socketPair();
    const counts = countWrites(client);
    const written = new Promise<number>((resolve) => {
      // A data event is an I/O callback: Node runs its nextTick queue before the promise continuations.
      client.once('data', () => {
        corkForTick(client);
        client.write('x');
        void Promise.resolve()
          .then(() => client.write('y'))
          .then(async () => {
            await null;
            client.write('z');
            resolve(client.writableCorked);
          });
      });
    });
    server.write('go');
    expect(await written).toBe(1);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(client.writableCorked).toBe(0);
    expect(counts).toEqual({ writev: 1, write: 0 });
    const received: Buffer[] = [];
    server.on('data', (chunk: Buffer) => received.push(chunk));
    while (Buffer.concat(received).length < 3) await once(server, 'data');
    expect(Buffer.concat(received).toString()).toBe('xyz');
  });
});
