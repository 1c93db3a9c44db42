import { CausewayError } from '@causeway/sdk';
import { setMaxListeners } from 'node:events';
import { Connection, ConnectionEvents } from 'rhea-promise';
import { describeEndpoint, toConnectionOptions, type AmqpEndpoint } from './amqpEndpoint.js';
import { toBrokerError } from './brokerError.js';

/** An open AMQP connection and a signal that says when it is gone. */
export interface BrokerConnection {
  readonly connection: Connection;
  /** `amqp://host:port`, for messages. */
  readonly where: string;
  /** Aborted, with a coded reason, once the connection is closed, dropped or refused by the broker. */
  readonly lost: AbortSignal;
  /** Settles like `operation`, or rejects with the loss reason if the connection goes first. */
  guard<T>(operation: Promise<T>, doing: string): Promise<T>;
  /** Closes the connection (at most `timeoutMs` waiting for the broker's answer). */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Opens a connection to the broker. A refused login is `CW_RELAY_AUTH_FAILED`; an unreachable broker,
 * a failed TLS handshake or a time-out is `CW_RELAY_UNREACHABLE`. RabbitMQ accepts the AMQP open and
 * then closes the connection when the user may not use the virtual host; that arrives on `lost`.
 */
export async function openBrokerConnection(endpoint: AmqpEndpoint, options: { containerId?: string; signal?: AbortSignal } = {}): Promise<BrokerConnection> {
  const where = describeEndpoint(endpoint);
  const connection = new Connection({ ...toConnectionOptions(endpoint), ...(options.containerId ? { container_id: options.containerId } : {}) });
  const lostController = new AbortController();
  // Every operation in flight on the connection listens for its loss: many at once is normal.
  setMaxListeners(0, lostController.signal);
  let closing = false;
  const onLost = (error: unknown) => {
    if (lostController.signal.aborted) return;
    const reason = closing ? new CausewayError('CW_SHUTTING_DOWN', `the connection to the broker at ${where} was closed`) : toBrokerError(error ?? new Error('the connection closed'), where, 'using the connection');
    lostController.abort(reason);
  };
  connection.on(ConnectionEvents.disconnected, (context) => onLost(context.error ?? connection.error));
  connection.on(ConnectionEvents.connectionClose, () => onLost(connection.error ?? new Error('the broker closed the connection')));
  connection.on(ConnectionEvents.connectionError, () => onLost(connection.error));

  const timeoutMs = endpoint.operationTimeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const abortSignal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    await connection.open({ abortSignal });
  } catch (error) {
    closing = true;
    void connection.close().catch(() => undefined);
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) throw new CausewayError('CW_RELAY_UNREACHABLE', `the broker at ${where} did not complete the AMQP handshake within ${timeoutMs} ms`, { cause: error });
    throw toBrokerError(error, where, 'opening the connection');
  }

  return {
    connection,
    where,
    lost: lostController.signal,
    guard(operation, doing) {
      operation.catch(() => undefined);
      // The loss as this operation saw it: the same code, and what was being done when it happened.
      const lostWhile = () => {
        const reason = lostController.signal.reason as CausewayError;
        return new CausewayError(reason.code, `${reason.message} (while ${doing})`, { cause: reason });
      };
      if (lostController.signal.aborted) return Promise.reject(lostWhile());
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(lostWhile());
        lostController.signal.addEventListener('abort', onAbort, { once: true });
        operation.then(
          (value) => {
            lostController.signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            lostController.signal.removeEventListener('abort', onAbort);
            reject(lostController.signal.aborted ? lostWhile() : toBrokerError(error, where, doing));
          },
        );
      });
    },
    async close(closeTimeoutMs = 2000) {
      if (closing) return;
      closing = true;
      const wait = new Promise<void>((resolve) => setTimeout(resolve, closeTimeoutMs).unref());
      await Promise.race([connection.close().catch(() => undefined), wait]);
      onLost(undefined);
    },
  };
}
