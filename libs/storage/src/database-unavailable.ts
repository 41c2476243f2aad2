import { DatabaseTimeoutError } from './timed-pool';

/** Socket errors: the database could not be reached or the connection broke. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** SQLSTATEs of a server that cannot take the statement now: class 08 (connection), shutdown, start-up, full. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** pg's own messages for a connection that broke or could not be made in time. */
const PG_CONNECTION_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether a database call failed because the database is out of reach (down, hung, restarting, out
 * of connections), as opposed to a statement it refused. The first is the server's trouble (a 503 the
 * client may retry), the second a bug (a 500).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseTimeoutError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_STATES.has(code))) return true;
  return typeof message === 'string' && PG_CONNECTION_MESSAGE.test(message);
}
