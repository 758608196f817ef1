import { useMemo } from 'react';
import { Alert, Card, Col, Descriptions, Empty, Row, Spin, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatYuan } from '../../lib/format';
import { BurnChart, type Band } from './BurnChart';
import { formatRatio, inForce, useYearAndCommunity, YearCommunityPicker, Flag } from './shared';

/** One month's monitoring reading as the API computes it (src/domain/fund-monitoring.ts). */
type Reading = Schemas['MonitoringReadingResponse'];
type Level = 'NORMAL' | 'WATCH' | 'WARNING' | 'ALARM';

interface PeriodSummary {
  period: string;
  disbursed: string;
  passedDownToMembers: string;
  outstanding: { atBureau: string; atLeadUnit: string; atTownships: string };
  reconciled: boolean;
}

const LEVEL_TONES = { NORMAL: 'good', WATCH: 'notice', WARNING: 'caution', ALARM: 'bad' } as const;

/** The community dashboard: package M, expenditure, burn ratio against the bands, primary share, payment capacity. */
export default function FinanceDashboardPage() {
  const { t, code } = useI18n();
  const scope = useYearAndCommunity();
  const { year, community } = scope;
  const allocation = inForce(scope.allocations.data);
  const share = allocation?.communities.find((c) => c.communityCode === community);

  // The API's readings of the year, month by month, with the bands and floor they were read against.
  const monitoring = useQuery({
    queryKey: ['monitoring', community, year],
    enabled: !!community && !!year,
    queryFn: async () =>
      await call(() =>
        api.GET('/api/v1/communities/{communityCode}/monitoring/{fundYear}', {
          params: { path: { communityCode: community!, fundYear: year! }, query: { pageSize: 12 } },
        }),
      ),
  });
  const readings = monitoring.data?.items ?? [];
  const latest = readings.at(-1);

  const summary = useQuery({
    queryKey: ['period-summary', community, latest?.period],
    enabled: !!community && !!latest,
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/communities/{communityCode}/periods/{period}/summary', {
          params: { path: { communityCode: community!, period: latest!.period } },
        } as never),
      )) as unknown as PeriodSummary,
  });

  const thresholds = monitoring.data?.thresholds;
  const bands: Band[] = useMemo(
    () =>
      thresholds
        ? [
            { name: t('finWatch'), value: thresholds.watch, colour: '#ad8b00' },
            { name: t('finWarning'), value: thresholds.warning, colour: '#d46b08' },
            { name: t('finAlarm'), value: thresholds.alarm, colour: '#cf1322' },
          ]
        : [],
    [thresholds, t],
  );
  const periods = useMemo(() => readings.map((r) => r.period), [readings]);
  const ratios = useMemo(() => readings.map((r) => r.burnRatio), [readings]);
  const error = scope.allocations.error ?? monitoring.error;

  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('finDashboard')}</h1>} extra={<YearCommunityPicker state={scope} />}>
      {error && <Alert type="error" role="alert" title={refusalOf(error)} style={{ marginBottom: 16 }} />}
      {scope.allocations.isLoading || monitoring.isLoading ? (
        <Spin />
      ) : (
        <>
          {!allocation && <Alert type="info" title={t('finNoAllocation')} style={{ marginBottom: 16 }} />}
          <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="dashboard-figures">
            <Descriptions.Item label={t('finCommunity')}>
              {share ? `${share.communityName} (${share.communityCode})` : community}
            </Descriptions.Item>
            <Descriptions.Item label={t('finPackage')}>{formatYuan(share?.package)}</Descriptions.Item>
            <Descriptions.Item label={t('finEffectivePackage')}>{formatYuan(share?.effectivePackage)}</Descriptions.Item>
            <Descriptions.Item label={t('finReadingPeriod')}>{latest?.period ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('finExpenditure')}>{formatYuan(latest?.expenditure)}</Descriptions.Item>
            <Descriptions.Item label={t('finBudgetToDate')}>{formatYuan(latest?.budgetToDate)}</Descriptions.Item>
            <Descriptions.Item label={t('finBurnRatio')}>{latest?.burnRatio ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('finBurnLevel')}>
              {latest ? <Flag tone={LEVEL_TONES[latest.level as Level]}>{code(latest.level)}</Flag> : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('finProjected')}>{formatYuan(latest?.projectedExpenditure)}</Descriptions.Item>
            <Descriptions.Item label={t('finProjectedOverspend')}>{formatYuan(latest?.projectedOverspend)}</Descriptions.Item>
            <Descriptions.Item label={t('finPrimaryShareToDate')}>{formatRatio(latest?.primaryShareToDate)}</Descriptions.Item>
            <Descriptions.Item label={t('finProjectedPrimaryShare')}>
              {latest ? (
                <>
                  {formatRatio(latest.projectedPrimaryShare)}{' '}
                  <Flag tone={latest.primaryBelowFloor ? 'bad' : 'good'}>
                    {latest.primaryBelowFloor ? t('finBelowFloor') : t('finAboveFloor')}
                  </Flag>
                </>
              ) : (
                '—'
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('finPrimaryFloor')}>
              {formatRatio(latest?.primaryFloorRate ?? monitoring.data?.primaryFloorRate)}
            </Descriptions.Item>
            <Descriptions.Item label={t('finCapacityMonths')}>
              {latest ? (
                <>
                  {latest.paymentCapacity.months ?? '—'}{' '}
                  {latest.paymentCapacity.warning && <Flag tone="bad">{t('finCapacityWarning')}</Flag>}
                  {latest.paymentCapacity.seasonal && <Flag tone="plain">{t('finSeasonal')}</Flag>}
                </>
              ) : (
                '—'
              )}
            </Descriptions.Item>
          </Descriptions>
          <Row gutter={16} style={{ marginTop: 16 }}>
            <Col xs={24} xl={14}>
              <Card size="small" title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finReadings')}</h2>}>
                {readings.length ? (
                  <BurnChart periods={periods} ratios={ratios} bands={bands} label={t('finChartLabel')} />
                ) : (
                  <Empty description={t('finNoReadings')} />
                )}
                <div style={{ marginTop: 8 }} data-testid="bands">
                  {t('finBands')}:{' '}
                  {bands.map((b) => (
                    <Flag key={b.name} tone={b.name === t('finWatch') ? 'notice' : b.name === t('finWarning') ? 'caution' : 'bad'}>
                      {b.name} {b.value}
                    </Flag>
                  ))}
                </div>
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card size="small" title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finPeriodSummary')}</h2>}>
                {summary.data ? (
                  <Descriptions size="small" column={1} bordered>
                    <Descriptions.Item label={t('period')}>{summary.data.period}</Descriptions.Item>
                    <Descriptions.Item label={t('finDisbursed')}>{formatYuan(summary.data.disbursed)}</Descriptions.Item>
                    <Descriptions.Item label={t('finPassedDownMembers')}>{formatYuan(summary.data.passedDownToMembers)}</Descriptions.Item>
                    <Descriptions.Item label={t('finOutstandingBureau')}>{formatYuan(summary.data.outstanding.atBureau)}</Descriptions.Item>
                    <Descriptions.Item label={t('finOutstandingLead')}>{formatYuan(summary.data.outstanding.atLeadUnit)}</Descriptions.Item>
                    <Descriptions.Item label={t('status')}>
                      <Flag tone={summary.data.reconciled ? 'good' : 'bad'}>
                        {summary.data.reconciled ? t('finReconciled') : t('finNotReconciled')}
                      </Flag>
                    </Descriptions.Item>
                  </Descriptions>
                ) : (
                  <Empty description={t('finNoReadings')} />
                )}
              </Card>
            </Col>
          </Row>
          <Table<Reading>
            style={{ marginTop: 16 }}
            rowKey="period"
            size="small"
            data-testid="readings"
            dataSource={readings}
            pagination={false}
            columns={[
              { title: t('period'), dataIndex: 'period' },
              { title: t('finExpenditure'), dataIndex: 'expenditure', align: 'right', render: (v: string) => formatYuan(v) },
              { title: t('finBudgetToDate'), dataIndex: 'budgetToDate', align: 'right', render: (v: string) => formatYuan(v) },
              { title: t('finBurnRatio'), dataIndex: 'burnRatio', align: 'right' },
              {
                title: t('finBurnLevel'),
                dataIndex: 'level',
                render: (l: string) => <Flag tone={LEVEL_TONES[l as Level]}>{code(l)}</Flag>,
              },
              { title: t('finPrimaryShareToDate'), dataIndex: 'primaryShareToDate', align: 'right', render: (v: string) => formatRatio(v) },
              {
                title: t('finCapacityMonths'),
                key: 'capacity',
                align: 'right',
                render: (_: unknown, r) => r.paymentCapacity.months ?? '—',
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
