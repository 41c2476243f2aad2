import { parsePrometheusText } from './parse-prometheus';

/** The checker itself must be able to say no, or the /metrics test proves nothing. */
describe('Prometheus text checker', () => {
  const good = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1",y="q\\"uote"} 3\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3.5\nh_count 2\n';

  it('reads valid text', () => {
    const families = parsePrometheusText(good);
    expect(families.get('a_total')!.samples[0]).toEqual({ name: 'a_total', labels: { x: '1', y: 'q"uote' }, value: 3 });
    expect(families.get('h')!.samples).toHaveLength(4);
  });

  it.each([
    ['a sample without TYPE', 'b 1\n'],
    ['a bad value', '# TYPE a gauge\na one\n'],
    ['unquoted labels', '# TYPE a gauge\na{x=1} 1\n'],
    ['a negative counter', '# TYPE a counter\na -1\n'],
    ['non-cumulative buckets', '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_count 2\n'],
    ['+Inf bucket different from count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n'],
    ['no final newline', '# TYPE a gauge\na 1'],
  ])('rejects %s', (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
