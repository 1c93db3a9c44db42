import { CausewayError, isCausewayError } from '@causeway/sdk';

/** The parts of an error from rhea, a socket or TLS that say what went wrong. */
export interface BrokerErrorFields {
  /** An AMQP error condition, e.g. `amqp:unauthorized-access`. */
  condition?: string;
  /** The broker's description, or the error's message. */
  description?: string;
  /** A Node.js error code, e.g. `ECONNREFUSED`. */
  code?: string;
}

function typedValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' && 'value' in value ? (value as { value: unknown }).value : value;
}

/** Reads an AMQP error (rhea's error class, a plain `{ condition, description }` or a still-described list), or a Node.js error. */
export function brokerErrorFields(error: unknown): BrokerErrorFields {
  if (error === null || error === undefined) return {};
  if (typeof error !== 'object') return { description: String(error) };
  const e = error as { condition?: unknown; description?: unknown; message?: unknown; code?: unknown; value?: unknown };
  const fields: BrokerErrorFields = {};
  if (typeof e.code === 'string') fields.code = e.code;
  if (typeof e.condition === 'string') fields.condition = e.condition;
  if (typeof e.description === 'string' && e.description) fields.description = e.description;
  else if (typeof e.message === 'string' && e.message) fields.description = e.message;
  if (!fields.condition && Array.isArray(e.value)) {
    // rhea sometimes hands over the error as its described list: [condition, description, info].
    const [condition, description] = e.value.map(typedValue);
    if (typeof condition === 'string') fields.condition = condition;
    if (typeof description === 'string' && description) fields.description = description;
  }
  return fields;
}

/** One line naming what failed, without secrets: the broker's condition and description, or the socket error. */
export function describeBrokerError(error: unknown): string {
  const { condition, description, code } = brokerErrorFields(error);
  const text = [condition, description].filter(Boolean).join(': ') || code || 'unknown error';
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/;

/**
 * Turns a failure to reach or use the broker into a coded error. A refused login (SASL or vhost
 * access) is `CW_RELAY_AUTH_FAILED`; anything else (refused, unresolved host, TLS, time-out, a link
 * the broker would not attach) is `CW_RELAY_UNREACHABLE`. The message names the broker and the step.
 */
export function toBrokerError(error: unknown, where: string, doing: string): CausewayError {
  if (isCausewayError(error)) return error;
  const fields = brokerErrorFields(error);
  const detail = describeBrokerError(error);
  if (fields.condition === 'amqp:unauthorized-access' || /authenticat/i.test(fields.description ?? '')) {
    return new CausewayError('CW_RELAY_AUTH_FAILED', `the broker at ${where} refused ${doing}: ${detail}`, { cause: error });
  }
  const tls = fields.code !== undefined && TLS_CODES.test(fields.code);
  const what = tls ? `the TLS handshake with the broker at ${where} failed` : `could not reach the broker at ${where}`;
  return new CausewayError('CW_RELAY_UNREACHABLE', `${what} while ${doing}: ${detail}`, { cause: error });
}
