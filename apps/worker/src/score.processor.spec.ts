import { UnrecoverableError } from 'bullmq';
import { isFinalFailure } from './score.processor';

describe('isFinalFailure', () => {
  const job = { opts: { attempts: 8 } };

  it('is final for a poison payload on its first attempt', () => {
    expect(isFinalFailure(job, new UnrecoverableError('poison'), 1)).toBe(true);
  });

  it('is final for any error once every attempt is used, and not before', () => {
    expect(isFinalFailure(job, new Error('database down'), 7)).toBe(false);
    expect(isFinalFailure(job, new Error('database down'), 8)).toBe(true);
  });

  it('takes a job without an attempts option as one attempt', () => {
    expect(isFinalFailure({ opts: {} }, new Error('x'), 1)).toBe(true);
    expect(isFinalFailure({ opts: {} }, new Error('x'), 0)).toBe(false);
  });
});
