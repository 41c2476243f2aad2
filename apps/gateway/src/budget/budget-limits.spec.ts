import { changeLimits } from './budget-limits';

describe('changeLimits', () => {
  it('keeps the limit not given', () => {
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: 5 }, { hardLimitUsd: 20 })).toEqual({ hardLimitUsd: 20, softLimitUsd: 5 });
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: null }, { softLimitUsd: 8 })).toEqual({ hardLimitUsd: 10, softLimitUsd: 8 });
    expect(changeLimits({ hardLimitUsd: null, softLimitUsd: 5 }, { hardLimitUsd: 7 })).toEqual({ hardLimitUsd: 7, softLimitUsd: 5 });
  });

  it('refuses a soft limit above the hard cap, naming the field changed', () => {
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: null }, { softLimitUsd: 11 })).toMatchObject({ field: 'soft_limit_usd' });
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: 5 }, { hardLimitUsd: 4 })).toMatchObject({ field: 'hard_limit_usd' });
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: 5 }, { hardLimitUsd: 4, softLimitUsd: 6 })).toMatchObject({ field: 'soft_limit_usd' });
  });

  it('takes both lowered together', () => {
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: 5 }, { hardLimitUsd: 4, softLimitUsd: 3 })).toEqual({ hardLimitUsd: 4, softLimitUsd: 3 });
  });

  it('removes a limit given as null, and refuses to remove the last one, naming the field', () => {
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: 5 }, { hardLimitUsd: null })).toEqual({ hardLimitUsd: null, softLimitUsd: 5 });
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: 5 }, { softLimitUsd: null })).toEqual({ hardLimitUsd: 10, softLimitUsd: null });
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: null }, { hardLimitUsd: null, softLimitUsd: 12 })).toEqual({ hardLimitUsd: null, softLimitUsd: 12 });
    expect(changeLimits({ hardLimitUsd: 10, softLimitUsd: null }, { hardLimitUsd: null })).toMatchObject({ field: 'hard_limit_usd' });
    expect(changeLimits({ hardLimitUsd: null, softLimitUsd: 5 }, { softLimitUsd: null })).toMatchObject({ field: 'soft_limit_usd' });
  });
});
