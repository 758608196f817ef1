import { useMemo } from 'react';
import { Alert, Card, Col, Descriptions, Empty, Row, Spin, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import { toPage } from '../../lib/lists';
import { BurnChart, type Band } from './BurnChart';
import { formatRatio, inForce, useYearAndCommunity, YearCommunityPicker } from './shared';

/** One monitoring reading the monthly cycle kept (src/domain/fund-monitoring.ts), as the API sends it. */
interface Reading {
  communityCode: string;
  period: string;
  skipped?: string;
  communityPackage: string;
  expenditure: string;
  budgetToDate: string;
  burnRatio: string;
  level: 'NORMAL' | 'WATCH' | 'WARNING' | 'ALARM';
  projectedExpenditure: string;
  projectedOverspend: string;
  primaryShareToDate: string;
  projectedPrimaryShare: string;
  primaryFloorRate: string;
  primaryBelowFloor: boolean;
  paymentCapacity: { months: string | null; warning: boolean; seasonal: boolean; averageMonthlyExpenditure: string };
}

interface CycleResult {
  cycle: string;
  period: string;
  result: Reading;
  createdAt: string;
}

interface PeriodSummary {
  period: string;
  disbursed: string;
  passedDownToMembers: string;
  outstanding: { atBureau: string; atLeadUnit: string; atTownships: string };
  reconciled: boolean;
}

const LEVEL_COLOURS = { NORMAL: 'green', WATCH: 'gold', WARNING: 'orange', ALARM: 'red' } as const;

/** The community dashboard: package M, expenditure, burn ratio against the bands, primary share, payment capacity. */
export default function FinanceDashboardPage() {
  const { t, code } = useI18n();
  const scope = useYearAndCommunity();
  const { year, community, countyCode } = scope;
  const allocation = inForce(scope.allocations.data);
  const share = allocation?.communities.find((c) => c.communityCode === community);

  const parameters = useQuery({
    queryKey: ['policy-parameters', countyCode, year],
    enabled: !!countyCode && !!year,
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/counties/{countyCode}/policy-parameters/{fundYear}', {
          params: { path: { countyCode: countyCode!, fundYear: year! } },
        } as never),
      )) as unknown as { values: Record<string, string> },
  });
  const results = useQuery({
    queryKey: ['cycle-results', 'monitoring'],
    queryFn: async () =>
      toPage(
        (await call(() =>
          api.GET('/api/v1/cycles/results', { params: { query: { cycle: 'monitoring', pageSize: 500 } } } as never),
        )) as unknown as { items: CycleResult[] },
      ).items,
  });
  // The latest kept reading of each month of the year (the API answers newest first), oldest month first.
  const readings = useMemo(() => {
    const byPeriod = new Map<string, Reading>();
    for (const r of results.data ?? []) {
      const reading = r.result;
      if (reading.skipped || reading.communityCode !== community || !r.period.startsWith(`${year}-`)) continue;
      if (!byPeriod.has(r.period)) byPeriod.set(r.period, reading);
    }
    return [...byPeriod.values()].sort((a, b) => a.period.localeCompare(b.period));
  }, [results.data, community, year]);
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

  const values = parameters.data?.values;
  const bands: Band[] = useMemo(
    () =>
      values
        ? [
            { name: t('finWatch'), value: values.burnWatch, colour: '#d4b106' },
            { name: t('finWarning'), value: values.burnWarning, colour: '#fa8c16' },
            { name: t('finAlarm'), value: values.burnAlarm, colour: '#f5222d' },
          ]
        : [],
    [values, t],
  );
  const periods = useMemo(() => readings.map((r) => r.period), [readings]);
  const ratios = useMemo(() => readings.map((r) => r.burnRatio), [readings]);
  const error = scope.allocations.error ?? results.error ?? parameters.error;

  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('finDashboard')}</h1>} extra={<YearCommunityPicker state={scope} />}>
      {error && <Alert type="error" role="alert" title={refusalOf(error)} style={{ marginBottom: 16 }} />}
      {scope.allocations.isLoading || results.isLoading ? (
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
              {latest ? <Tag color={LEVEL_COLOURS[latest.level]}>{code(latest.level)}</Tag> : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('finProjected')}>{formatYuan(latest?.projectedExpenditure)}</Descriptions.Item>
            <Descriptions.Item label={t('finProjectedOverspend')}>{formatYuan(latest?.projectedOverspend)}</Descriptions.Item>
            <Descriptions.Item label={t('finPrimaryShareToDate')}>{formatRatio(latest?.primaryShareToDate)}</Descriptions.Item>
            <Descriptions.Item label={t('finProjectedPrimaryShare')}>
              {latest ? (
                <>
                  {formatRatio(latest.projectedPrimaryShare)}{' '}
                  <Tag color={latest.primaryBelowFloor ? 'red' : 'green'}>
                    {latest.primaryBelowFloor ? t('finBelowFloor') : t('finAboveFloor')}
                  </Tag>
                </>
              ) : (
                '—'
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('finPrimaryFloor')}>
              {formatRatio(latest?.primaryFloorRate ?? values?.primaryFloorRate)}
            </Descriptions.Item>
            <Descriptions.Item label={t('finCapacityMonths')}>
              {latest ? (
                <>
                  {latest.paymentCapacity.months ?? '—'}{' '}
                  {latest.paymentCapacity.warning && <Tag color="red">{t('finCapacityWarning')}</Tag>}
                  {latest.paymentCapacity.seasonal && <Tag>{t('finSeasonal')}</Tag>}
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
                    <Tag key={b.name} color={b.colour}>
                      {b.name} {b.value}
                    </Tag>
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
                      <Tag color={summary.data.reconciled ? 'green' : 'red'}>
                        {summary.data.reconciled ? t('finReconciled') : t('finNotReconciled')}
                      </Tag>
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
                render: (l: Reading['level']) => <Tag color={LEVEL_COLOURS[l]}>{code(l)}</Tag>,
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
          {latest && (
            <p style={{ color: '#595959', marginTop: 8 }}>{formatDate(results.data?.find((r) => r.result === latest)?.createdAt)}</p>
          )}
        </>
      )}
    </Card>
  );
}
