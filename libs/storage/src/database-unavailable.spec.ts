import { isDatabaseUnavailable } from './database-unavailable';
import { DatabaseTimeoutError } from './timed-pool';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a statement timed out', new DatabaseTimeoutError('late')],
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['connection exception (class 08)', withCode('08006')],
    ['the server shutting down', withCode('57P01')],
    ['the server starting up', withCode('57P03')],
    ['too many connections', withCode('53300')],
    ["pg's broken connection", new Error('Connection terminated unexpectedly')],
    ["pg's connect timeout", new Error('timeout exceeded when trying to connect')],
  ])('%s: unavailable', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a syntax error', withCode('42601')],
    ['a unique violation', withCode('23505')],
    ['a value Postgres refuses', withCode('22P05')],
    ['a plain error', new Error('boom')],
    ['not an error', 'Connection terminated'],
    ['nothing', undefined],
  ])('%s: not unavailable', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
