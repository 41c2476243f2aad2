import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetService } from '../../apps/gateway/src/budget/budget.service';
import { planRoute } from '../../apps/gateway/src/routing/plan-route';
import { loadConfig } from '../../libs/config/src';
import { seededRandom } from '../../libs/core/src';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { startStack, type Stack } from '../support/stack';
import { admin, ADMIN_KEY, budgetYaml, call, newKey } from './budget-support';

describe('budget-aware routing: near a cap the router prefers the cheaper model', () => {
  it('planRoute passes budget pressure to the bandit: at full pressure the cheaper model always leads', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pressure-')), 'router.yaml');
    writeFileSync(path, budgetYaml('http://127.0.0.1:9/v1'));
    const config = loadConfig({ ROUTER_CONFIG: path });
    const route = config.routes.get('auto')!;
    const random = seededRandom(7);
    const lead = (budgetPressure: number) =>
      planRoute({
        route,
        models: config.models,
        request: { model: 'auto', max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] },
        promptTokens: 5,
        arms: new Map(),
        spentTodayUsd: 0,
        random,
        budgetPressure,
      }).models[0].id;
    const calm = Array.from({ length: 200 }, () => lead(0));
    const pressed = Array.from({ length: 200 }, () => lead(1));
    expect(calm).toContain('pricey');
    expect(new Set(pressed)).toEqual(new Set(['metered']));
  });

  describe('through the gateway', () => {
    let upstream: FakeOpenAI;
    let stack: Stack;
    beforeAll(async () => {
      upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'Hello!' }));
      stack = await startStack({ yaml: budgetYaml(upstream.url), queue: 'in-process', random: seededRandom(3), env: { ADMIN_API_KEY: ADMIN_KEY } });
    });
    afterAll(async () => {
      await stack.close();
      await upstream.close();
    });

    it('a key that has spent 96% of its budget gets the cheaper model on a mixed route', async () => {
      const base = stack.gateway.url;
      const { id, key } = await newKey(base, {});
      // 48 requests to `pricey` at $0.0002 each: $0.0096 of $0.01.
      await admin(base, 'POST', '/v1/admin/budgets', { scope: 'key', subject: id, period: 'month', hard_limit_usd: 0.01 });
      for (let i = 0; i < 48; i++) {
        const res = await call(base, 'POST', '/v1/chat/completions', key, { model: 'pricey', max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] });
        expect(res.status).toBe(200);
      }
      const budgets = stack.gateway.app.get(BudgetService);
      expect(budgets.pressure({ requestId: 'x', keyId: id, signal: new AbortController().signal, access: { keyId: id, tenantId: 'default', tier: null, allowedRoutes: null, allowedModels: null, tags: [], limits: { keyRpm: null, keyTpm: null, tenantRpm: null, tenantTpm: null } } }, 'auto')).toBeGreaterThan(0.7);
      const models: string[] = [];
      for (let i = 0; i < 15; i++) {
        const res = await call(base, 'POST', '/v1/chat/completions', key, { model: 'auto', max_tokens: 2, messages: [{ role: 'user', content: 'hi' }] });
        expect(res.status).toBe(200);
        models.push(String(res.headers['x-router-model']));
      }
      expect(new Set(models)).toEqual(new Set(['metered']));
      const status = await admin<{ data: Array<{ spent_usd: number; remaining_usd: number }> }>(base, 'GET', `/v1/admin/budgets?scope=key&subject=${id}`);
      expect(status.data[0].spent_usd).toBeCloseTo(0.0096 + 15 * 0.00002, 10);
    });
  });
});
