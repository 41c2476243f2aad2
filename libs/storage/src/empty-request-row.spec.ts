import { emptyRequestRow } from './empty-request-row';

describe('emptyRequestRow', () => {
  it('starts as a failed request of its kind, with no spend, so a request that dies half-way is still recorded as failed', () => {
    const row = emptyRequestRow('embeddings', 'req_1', 'key_1', Date.UTC(2026, 11, 6));
    expect(row).toMatchObject({ id: 'req_1', kind: 'embeddings', key_id: 'key_1', status: 'error', http_status: 500, cost_usd: 0, route: null, attempts: '[]' });
    expect(row.created_at).toEqual(new Date('2026-12-06T00:00:00.000Z'));
  });

  it('gives every call its own row (the handlers fill it in place)', () => {
    const a = emptyRequestRow('chat', 'a', null, 0);
    const b = emptyRequestRow('chat', 'b', null, 0);
    a.status = 'success';
    expect(b.status).toBe('error');
    expect(a.kind).toBe('chat');
  });
});
