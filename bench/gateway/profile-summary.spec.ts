import { componentOf, summariseProfile, type CpuProfile } from './profile-summary';

describe('summariseProfile', () => {
  it('attributes components by script URL', () => {
    expect(componentOf('file:///w/node_modules/@nestjs/core/router/router-proxy.js', 'f')).toBe('Nest');
    expect(componentOf('file:///w/node_modules/find-my-way/index.js', 'f')).toBe('Fastify');
    expect(componentOf('file:///w/node_modules/pg-protocol/dist/parser.js', 'f')).toBe('Kysely/pg');
    expect(componentOf('file:///w/dist/libs/router/src/decide.js', 'f')).toBe('bandit (libs/router)');
    expect(componentOf('file:///w/dist/apps/gateway/src/chat/chat.service.js', 'f')).toBe('apps/gateway');
    expect(componentOf('node:_http_server', 'f')).toBe('Node http');
    expect(componentOf('', '(garbage collector)')).toBe('GC');
    expect(componentOf('', 'stringify')).toBe('V8 builtins (JSON, RegExp, ...)');
  });

  it('sums self time, leaves idle out and counts inclusive time once per stack', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 4] },
        { id: 2, callFrame: { functionName: 'handle', url: 'file:///w/dist/apps/gateway/src/chat/chat.service.js', lineNumber: 9 }, children: [3] },
        { id: 3, callFrame: { functionName: 'parse', url: 'file:///w/node_modules/zod/lib/types.js', lineNumber: 0 } },
        { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      ],
      samples: [3, 3, 3, 2, 4],
      timeDeltas: [1000, 1000, 1000, 2000, 5000],
    };
    const s = summariseProfile(profile);
    expect(s.total).toBe(5);
    expect(s.components.map((c) => [c.name, c.ms])).toEqual([
      ['zod', 3],
      ['apps/gateway', 2],
    ]);
    expect(s.inclusive[0]).toMatchObject({ name: 'handle apps/gateway/src/chat/chat.service.js:10', ms: 5, share: 1 });
    // From the 3rd sample on (start 0 + 1000 + 1000 + 1000 us): one zod sample and the handle sample.
    const late = summariseProfile(profile, 25, 3000);
    expect(late.total).toBe(3);
  });
});
