import { authSummary } from './auth-summary';

describe('authSummary', () => {
  it('says keys are required when only the admin key is set, as the key guard requires them then', () => {
    expect(authSummary({ gatewayKeyHashes: [], adminKeyHash: 'a'.repeat(64) })).toMatch(/^keys made through the admin API only/);
  });

  it('counts the static keys, and mentions admin-made keys when the admin key is set', () => {
    expect(authSummary({ gatewayKeyHashes: ['x', 'y'], adminKeyHash: undefined })).toBe('2 gateway key(s) from GATEWAY_API_KEYS');
    expect(authSummary({ gatewayKeyHashes: ['x'], adminKeyHash: 'a'.repeat(64) })).toBe('1 gateway key(s) from GATEWAY_API_KEYS, and keys made through the admin API');
  });

  it('says none only when neither variable is set', () => {
    expect(authSummary({ gatewayKeyHashes: [], adminKeyHash: undefined })).toMatch(/^none/);
  });
});
