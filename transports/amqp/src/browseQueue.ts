import { type Message, ReceiverEvents } from 'rhea-promise';
import type { BrokerConnection } from './openBrokerConnection.js';

/**
 * Reads the messages on a queue without taking them: it grants credit, collects what arrives until
 * nothing came for `quietMs`, and detaches without settling, so the broker puts every message back
 * where it was. RabbitMQ declares a `/queue/` address if it does not exist yet, durable or not as
 * `durable` says (it must match the queue's durability).
 */
export async function browseQueue(broker: BrokerConnection, address: string, options: { quietMs?: number; maxMessages?: number; timeoutMs?: number; durable?: boolean } = {}): Promise<Message[]> {
  const quietMs = options.quietMs ?? 250;
  const maxMessages = options.maxMessages ?? 2000;
  const receiver = await broker.guard(broker.connection.createReceiver({ source: { address, durable: options.durable ? 2 : 0 }, credit_window: 0, autoaccept: false }), `attaching to ${address}`);
  const messages: Message[] = [];
  try {
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(quiet);
        clearTimeout(overall);
        broker.lost.removeEventListener('abort', finish);
        resolve();
      };
      let quiet = setTimeout(finish, quietMs);
      const overall = setTimeout(finish, options.timeoutMs ?? 5000);
      broker.lost.addEventListener('abort', finish, { once: true });
      receiver.on(ReceiverEvents.message, (context) => {
        if (context.message) messages.push(context.message);
        clearTimeout(quiet);
        if (messages.length >= maxMessages) finish();
        else quiet = setTimeout(finish, quietMs);
      });
      receiver.addCredit(maxMessages);
    });
  } finally {
    // Closing the link and its session without settling returns every message to the queue.
    await receiver.close().catch(() => undefined);
  }
  return messages;
}
