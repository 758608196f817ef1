import { MetricsCollector, MetricSample, ServiceMetrics } from './service-metrics';

const lines = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

function collector(name: string, read: () => Promise<MetricSample[]>, cacheMs = 0): MetricsCollector {
  return { name, cacheMs, families: [{ name: `cbm_test_${name}`, help: `test ${name}`, type: 'gauge' }], read };
}

describe('ServiceMetrics', () => {
  it('labels requests by route pattern and status, and a request no route matched as unmatched', async () => {
    const metrics = new ServiceMetrics();
    metrics.observeRequest('GET', '/api/v1/institutions/:code', 404, 12);
    metrics.observeRequest('GET', '/api/v1/institutions/:code', 404, 30);
    metrics.observeRequest('GET', undefined, 404, 1);
    const text = await metrics.render('deployment');
    expect(lines(text, 'cbm_http_request_duration_seconds_count')).toEqual([
      'cbm_http_request_duration_seconds_count{method="GET",route="/api/v1/institutions/:code",status="404"} 2',
      'cbm_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1',
    ]);
    const buckets = lines(text, 'cbm_http_request_duration_seconds_bucket').filter((l) => l.includes('route="/api/v1/institutions/:code"'));
    expect(buckets.filter((l) => l.includes('le="0.025"'))).toEqual([expect.stringMatching(/ 1$/)]);
    expect(buckets.filter((l) => l.includes('le="0.05"'))).toEqual([expect.stringMatching(/ 2$/)]);
  });

  it('gives a county’s figures to the deployment and to that county only', async () => {
    const metrics = new ServiceMetrics();
    metrics.register(
      collector('county', async () => [
        { family: 'cbm_test_county', labels: { county: 'A' }, value: 1, countyId: 1 },
        { family: 'cbm_test_county', labels: { county: 'B' }, value: 2, countyId: 2 },
        { family: 'cbm_test_county', labels: { county: 'none' }, value: 3 },
      ]),
    );
    expect(lines(await metrics.render('deployment'), 'cbm_test_county')).toEqual([
      'cbm_test_county{county="A"} 1',
      'cbm_test_county{county="B"} 2',
      'cbm_test_county{county="none"} 3',
    ]);
    expect(lines(await metrics.render({ countyIds: [2] }), 'cbm_test_county')).toEqual([
      'cbm_test_county{county="B"} 2',
      'cbm_test_county{county="none"} 3',
    ]);
  });

  it('serves a reading for its cache time, one reading for scrapes that overlap, and reads at every scrape with no cache', async () => {
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const metrics = new ServiceMetrics();
      let cachedReads = 0;
      let liveReads = 0;
      metrics.register(collector('cached', async () => [{ family: 'cbm_test_cached', labels: {}, value: ++cachedReads }], 30_000));
      metrics.register(collector('live', async () => [{ family: 'cbm_test_live', labels: {}, value: ++liveReads }]));
      await Promise.all([metrics.render('deployment'), metrics.render('deployment')]);
      now += 29_999;
      const within = await metrics.render('deployment');
      expect(lines(within, 'cbm_test_cached')).toEqual(['cbm_test_cached 1']);
      expect(lines(within, 'cbm_test_live')).toEqual(['cbm_test_live 3']);
      now += 1;
      expect(lines(await metrics.render('deployment'), 'cbm_test_cached')).toEqual(['cbm_test_cached 2']);
    } finally {
      clock.mockRestore();
    }
  });

  it('answers without a failed collector’s series, says which failed, and reads it again at the next scrape', async () => {
    const metrics = new ServiceMetrics();
    let fail = true;
    metrics.register(
      collector(
        'flaky',
        async () => {
          if (fail) throw new Error('database unreachable');
          return [{ family: 'cbm_test_flaky', labels: {}, value: 7 }];
        },
        30_000,
      ),
    );
    metrics.register(collector('steady', async () => [{ family: 'cbm_test_steady', labels: {}, value: 1 }]));
    const failed = await metrics.render('deployment');
    expect(lines(failed, 'cbm_metrics_collector_up')).toEqual([
      'cbm_metrics_collector_up{collector="flaky"} 0',
      'cbm_metrics_collector_up{collector="steady"} 1',
    ]);
    expect(lines(failed, 'cbm_test_flaky')).toEqual([]);
    expect(lines(failed, 'cbm_test_steady')).toEqual(['cbm_test_steady 1']);
    fail = false;
    const recovered = await metrics.render('deployment');
    expect(lines(recovered, 'cbm_test_flaky')).toEqual(['cbm_test_flaky 7']);
    expect(lines(recovered, 'cbm_metrics_collector_up{collector="flaky"}')).toEqual(['cbm_metrics_collector_up{collector="flaky"} 1']);
  });

  it('refuses a collector registered twice or a metric name taken', () => {
    const metrics = new ServiceMetrics();
    metrics.register(collector('one', async () => []));
    expect(() => metrics.register(collector('one', async () => []))).toThrow('registered twice');
    expect(() =>
      metrics.register({ ...collector('two', async () => []), families: [{ name: 'cbm_test_one', help: 'x', type: 'gauge' }] }),
    ).toThrow('already registered');
    expect(() =>
      metrics.register({
        ...collector('three', async () => []),
        families: [{ name: 'cbm_http_request_duration_seconds', help: 'x', type: 'gauge' }],
      }),
    ).toThrow('already registered');
  });
});
