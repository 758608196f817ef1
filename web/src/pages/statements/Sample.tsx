import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Empty, Input, InputNumber, Radio, Space, Spin, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, ApiCallError, call } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import type { Sample } from './shared';

type SampleRecord = Sample['records'][number];
type Stratum = Sample['strata'][number];

/**
 * Sample review (抽样审核) of a claim (the lead unit) or of a declaration (the bureau): draw a
 * sample by share or count with a seed (recorded), see the sampled records with their review
 * outcome, and the extrapolation of the sample's rejection rate as the API calculates it.
 */
export default function SamplePage({ subject }: { subject: 'claim' | 'declaration' }) {
  const id = Number(useParams().id);
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [by, setBy] = useState<'share' | 'count'>('share');
  const [share, setShare] = useState('0.10');
  const [count, setCount] = useState<number | null>(10);
  const [seed, setSeed] = useState<number | null>(null);
  const key = ['sample', subject, id];
  const latest = useQuery({
    queryKey: key,
    queryFn: async () => {
      try {
        return subject === 'claim'
          ? await call(() => api.GET('/api/v1/member-claims/{id}/sample', { params: { path: { id } } }))
          : await call(() => api.GET('/api/v1/declarations/{id}/sample', { params: { path: { id } } }));
      } catch (e) {
        if (e instanceof ApiCallError && e.status === 404) return null;
        throw e;
      }
    },
  });
  const draw = useMutation({
    mutationFn: () => {
      const body = { ...(by === 'share' ? { share } : { count: count ?? 1 }), ...(seed !== null ? { seed } : {}) };
      return subject === 'claim'
        ? call(() => api.POST('/api/v1/member-claims/{id}/samples', { params: { path: { id } }, body }))
        : call(() => api.POST('/api/v1/declarations/{id}/samples', { params: { path: { id } }, body }));
    },
    onSuccess: (drawn) => {
      queries.setQueryData(key, drawn);
      void message.success(t('done'));
    },
  });
  if (latest.isLoading) return <Spin />;
  const s = latest.data;
  const refusal = refusalOf(draw.error) ?? refusalOf(latest.error);
  const reviewAt = subject === 'claim' ? `/claims/${id}` : `/declarations/${id}`;
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('stmSample')} · {code(subject === 'claim' ? 'CLAIM' : 'DECLARATION')} #{id}
        </h1>
      }
      extra={<Link to="/statements">{t('back')}</Link>}
    >
      {refusal && <Alert type="error" role="alert" title={refusal} style={{ marginBottom: 16 }} />}
      <Space wrap style={{ marginBottom: 16 }}>
        <Radio.Group
          aria-label={t('stmSample')}
          value={by}
          onChange={(e) => setBy(e.target.value as 'share' | 'count')}
          options={[
            { value: 'share', label: t('stmShare') },
            { value: 'count', label: t('stmCount') },
          ]}
        />
        {by === 'share' ? (
          <Input aria-label={t('stmShare')} style={{ width: 100 }} value={share} onChange={(e) => setShare(e.target.value)} />
        ) : (
          <InputNumber aria-label={t('stmCount')} min={1} value={count} onChange={(v) => setCount(v)} />
        )}
        <InputNumber
          aria-label={t('stmSeed')}
          placeholder={t('stmSeedHint')}
          style={{ width: 220 }}
          min={0}
          max={4294967295}
          value={seed}
          onChange={(v) => setSeed(v)}
        />
        <Button type="primary" loading={draw.isPending} onClick={() => draw.mutate()}>
          {t('stmDraw')}
        </Button>
      </Space>
      {!s ? (
        <Empty description={t('stmNoSample')} />
      ) : (
        <>
          <Descriptions bordered size="small" column={3}>
            <Descriptions.Item label={t('stmSeed')}>
              <span data-testid="sample-seed">{s.seed}</span>
            </Descriptions.Item>
            <Descriptions.Item label={s.share !== null ? t('stmShare') : t('stmCount')}>{s.share ?? s.count}</Descriptions.Item>
            <Descriptions.Item label={t('stmPopulation')}>{s.population}</Descriptions.Item>
            <Descriptions.Item label={t('stmActedOn')}>{formatDate(s.drawnOn)}</Descriptions.Item>
            <Descriptions.Item label={t('stmActedBy')}>{s.drawnBy}</Descriptions.Item>
            <Descriptions.Item label={t('stmSampled')}>{s.records.length}</Descriptions.Item>
          </Descriptions>
          <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmStrata')}</h2>
          <Table<Stratum>
            rowKey="unitCode"
            size="small"
            pagination={false}
            dataSource={s.strata}
            columns={[
              { title: t('stmUnit'), dataIndex: 'unitCode' },
              { title: t('stmPopulation'), dataIndex: 'population', align: 'right' },
              { title: t('stmSampled'), dataIndex: 'sampled', align: 'right' },
            ]}
          />
          <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmSampledRecords')}</h2>
          <p>
            <Link to={reviewAt} style={{ textDecoration: 'underline' }}>
              {subject === 'claim' ? t('stmOpen') : t('stmReviewSample')}
            </Link>
          </p>
          <Table<SampleRecord>
            rowKey="id"
            size="small"
            pagination={{ pageSize: 20 }}
            dataSource={s.records}
            columns={[
              { title: '#', dataIndex: 'id' },
              { title: t('stmExternalId'), dataIndex: 'externalId' },
              { title: t('stmUnit'), dataIndex: 'unitCode' },
              { title: t('stmAmount'), dataIndex: 'fundPaid', align: 'right', render: (a: string) => formatYuan(a) },
              { title: t('state'), dataIndex: 'reviewStatus', render: (v: string) => code(v) },
              {
                title: t('stmReason'),
                key: 'reason',
                render: (_: unknown, r: SampleRecord) =>
                  (r.reviewReason ?? r.deductionReason) ? code((r.reviewReason ?? r.deductionReason)!) : '',
              },
            ]}
          />
          <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmExtrapolation')}</h2>
          <Descriptions bordered size="small" column={2} data-testid="sample-extrapolation">
            <Descriptions.Item label={t('stmSampledAmount')}>{formatYuan(s.extrapolation.sampledAmount)}</Descriptions.Item>
            <Descriptions.Item label={t('stmSampledRejected')}>{formatYuan(s.extrapolation.sampledRejected)}</Descriptions.Item>
            <Descriptions.Item label={t('stmUndecided')}>{s.extrapolation.undecided}</Descriptions.Item>
            <Descriptions.Item label={t('stmRate')}>{s.extrapolation.rate}</Descriptions.Item>
            <Descriptions.Item label={t('stmUnsampledRecords')}>{s.extrapolation.unsampledRecords}</Descriptions.Item>
            <Descriptions.Item label={t('stmUnsampledAmount')}>{formatYuan(s.extrapolation.unsampledAmount)}</Descriptions.Item>
            <Descriptions.Item label={t('stmDeduction')}>{formatYuan(s.extrapolation.deduction)}</Descriptions.Item>
            <Descriptions.Item label={t('stmSampledCount')}>
              {s.extrapolation.sampledRecords} · {t('stmRejectedCount')} {s.extrapolation.rejectedRecords}
            </Descriptions.Item>
            <Descriptions.Item label={t('stmPolicyApplies')}>
              <span data-testid="sample-policy">{s.extrapolation.policyApplies ? t('stmPolicyOn') : t('stmPolicyOff')}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('stmApplied')}>
              <span data-testid="sample-applied">
                {s.extrapolation.applied
                  ? `✓ ${t('stmAppliedDeduction')} ${formatYuan(s.extrapolation.appliedDeduction)}`
                  : t('stmNotApplied')}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('stmCalculation')} span={2}>
              <code data-testid="sample-calculation">{s.extrapolation.calculation}</code>
            </Descriptions.Item>
          </Descriptions>
        </>
      )}
    </Card>
  );
}
