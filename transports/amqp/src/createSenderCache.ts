import { type AwaitableSender, SenderEvents } from 'rhea-promise';
import type { BrokerConnection } from './openBrokerConnection.js';

/** Senders of one connection, one per address, shared by the jobs that send there. */
export interface SenderCache {
  /**
   * A sender to `address` (attached on first use); `release` when done with it. `durable` is the
   * target's durability: RabbitMQ declares a `/queue/` address with it, and refuses to declare an
   * existing queue with another, so it must match how the queue is meant to be (jobs: durable).
   */
  lease(address: string, options?: { durable?: boolean }): Promise<{ sender: AwaitableSender; release(): void }>;
  /** Senders open now. */
  readonly size: number;
}

interface Entry {
  sender: Promise<AwaitableSender>;
  users: number;
  lastUsed: number;
}

/**
 * Creates the sender cache of a connection. Each sender has a session of its own, so an address the
 * broker refuses (which ends the session on RabbitMQ) costs only that sender. Beyond `maxIdle`
 * unused senders the least recently used is detached; a sender the broker detaches is forgotten.
 */
export function createSenderCache(broker: BrokerConnection, options: { maxIdle?: number } = {}): SenderCache {
  const entries = new Map<string, Entry>();
  const maxIdle = options.maxIdle ?? 64;

  const evict = () => {
    const idle = [...entries.entries()].filter(([, e]) => e.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [address, entry] of idle.slice(0, Math.max(0, idle.length - maxIdle))) {
      entries.delete(address);
      void entry.sender.then((s) => s.close()).catch(() => undefined);
    }
  };

  return {
    get size() {
      return entries.size;
    },
    async lease(address, leaseOptions = {}) {
      let entry = entries.get(address);
      if (!entry) {
        const attaching = broker.guard(broker.connection.createAwaitableSender({ target: { address, durable: leaseOptions.durable ? 2 : 0 } }), `attaching to ${address}`);
        const created: Entry = { sender: attaching, users: 0, lastUsed: Date.now() };
        entry = created;
        entries.set(address, created);
        attaching.then(
          (sender) => {
            const forget = () => {
              if (entries.get(address) === created) entries.delete(address);
            };
            sender.on(SenderEvents.senderError, forget);
            sender.on(SenderEvents.senderClose, forget);
          },
          () => {
            if (entries.get(address) === created) entries.delete(address);
          },
        );
      }
      const leased = entry;
      leased.users++;
      try {
        const sender = await leased.sender;
        let released = false;
        return {
          sender,
          release() {
            if (released) return;
            released = true;
            leased.users--;
            leased.lastUsed = Date.now();
            evict();
          },
        };
      } catch (error) {
        leased.users--;
        throw error;
      }
    },
  };
}
