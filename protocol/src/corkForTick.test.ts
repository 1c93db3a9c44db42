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

describe('corkForTick', () => {
  it('corks once per tick and uncorks before the next I/O, writing everything in one writev', async () => {
    const { client, server } = await socketPair();
    let writevCalls = 0;
    let writeCalls = 0;
    const original = { writev: client._writev!.bind(client), write: client._write.bind(client) };
    client._writev = (chunks, cb) => {
      writevCalls++;
      original.writev(chunks, cb);
    };
    client._write = (chunk, encoding, cb) => {
      writeCalls++;
      original.write(chunk, encoding, cb);
    };
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
    expect(writevCalls).toBe(1);
    expect(writeCalls).toBe(0);

    while (Buffer.concat(received).length < 3) await once(server, 'data');
    expect(Buffer.concat(received).toString()).toBe('abc');

    // A later tick corks again.
    corkForTick(client);
    expect(client.writableCorked).toBe(1);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(client.writableCorked).toBe(0);
  });
});
