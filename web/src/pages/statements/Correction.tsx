import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Input, Select, Space, Spin, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import { useList } from '../../lib/lists';
import { ClaimStateTag } from '../claimState';

type ReasonCode = Schemas['ReturnReasonDto']['reason'];
type Reason = { reason: ReasonCode; note: string; recordId: string };
type RecordRow = Schemas['SettlementRecordResponse'];
type Version = Schemas['ClaimVersionResponse'];
type Withdrawn = Schemas['WithdrawnRecordResponse'];

const REASONS: ReasonCode[] = [
  'DUPLICATE_SETTLEMENT',
  'OUT_OF_CATALOGUE',
  'OVER_STANDARD',
  'UNREASONABLE_TREATMENT',
  'NO_REFERRAL',
  'MISSING_DOCUMENTS',
  'INELIGIBLE_PATIENT',
  'OTHER',
];

/**
 * Return for correction (退回补正): the reviewer returns a submitted claim with reasons; the unit
 * sees them, withdraws records (kept as they were), uploads corrected ones and resubmits. Every
 * version of the claim is listed. Buttons follow the claim's `allowedActions`.
 */
export default function CorrectionPage() {
  const id = Number(useParams().id);
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [reasons, setReasons] = useState<Reason[]>([{ reason: 'MISSING_DOCUMENTS', note: '', recordId: '' }]);
  const [selected, setSelected] = useState<string[]>([]);
  const claim = useQuery({
    queryKey: ['member-claim', id],
    queryFn: () => call(() => api.GET('/api/v1/member-claims/{id}', { params: { path: { id } } })),
  });
  const records = useList<RecordRow>(['claim-records', id], () =>
    call(() => api.GET('/api/v1/member-claims/{id}/records', { params: { path: { id }, query: { pageSize: 500 } } })),
  );
  const versions = useQuery({
    queryKey: ['claim-versions', id],
    queryFn: () => call(() => api.GET('/api/v1/member-claims/{id}/versions', { params: { path: { id } } })),
  });
  const refresh = () => {
    for (const key of [['member-claim', id], ['claim-records', id], ['claim-versions', id], ['member-claims'], ['inbox']])
      void queries.invalidateQueries({ queryKey: key });
    void message.success(t('done'));
  };
  const act = useMutation({
    mutationFn: async (action: 'return' | 'withdraw' | 'resubmit') => {
      const version = claim.data!.version;
      if (action === 'return')
        return call(() =>
          api.POST('/api/v1/member-claims/{id}/return', {
            params: { path: { id } },
            body: {
              version,
              reasons: reasons.map((r) => ({
                reason: r.reason,
                ...(r.note ? { note: r.note } : {}),
                ...(r.recordId ? { recordId: r.recordId } : {}),
              })),
            },
          }),
        );
      if (action === 'withdraw')
        return call(() =>
          api.POST('/api/v1/member-claims/{id}/withdraw-records', { params: { path: { id } }, body: { recordIds: selected } }),
        );
      return call(() => api.POST('/api/v1/member-claims/{id}/resubmit', { params: { path: { id } }, body: { version } }));
    },
    onSuccess: () => {
      setSelected([]);
      refresh();
    },
  });
  if (claim.isLoading) return <Spin />;
  if (claim.error || !claim.data) return <Alert type="error" title={refusalOf(claim.error) ?? 'error'} />;
  const c = claim.data;
  const mayReturn = c.allowedActions.includes('returnForCorrection');
  const mayResubmit = c.allowedActions.includes('resubmit');
  const refusal = refusalOf(act.error);
  const setReason = (i: number, change: Partial<Reason>) => setReasons(reasons.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('stmCorrection')} · #{c.id} · {c.institutionCode} · {c.period}
        </h1>
      }
      extra={<Link to="/statements">{t('back')}</Link>}
    >
      {refusal && <Alert type="error" role="alert" title={refusal} style={{ marginBottom: 16 }} />}
      <Descriptions bordered size="small" column={3}>
        <Descriptions.Item label={t('state')}>
          <ClaimStateTag state={c.state} />
        </Descriptions.Item>
        <Descriptions.Item label={t('stmRecords')}>{c.records}</Descriptions.Item>
        <Descriptions.Item label={t('stmClaimedAmt')}>
          <span data-figure="claimed">{formatYuan(c.claimed)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('stmReturns')}>{c.returns}</Descriptions.Item>
        <Descriptions.Item label={t('stmReturnedBy')}>{c.returnedBy ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('stmActedOn')}>{formatDate(c.returnedOn)}</Descriptions.Item>
      </Descriptions>
      {c.returnReasons.length > 0 && (
        <>
          <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmReturnReasons')}</h2>
          <ul data-testid="return-reasons">
            {c.returnReasons.map((r, i) => (
              <li key={i}>
                <Tag>{code(r.reason)}</Tag>
                {r.note}
                {r.recordId && ` (#${r.recordId})`}
              </li>
            ))}
          </ul>
        </>
      )}
      {mayReturn && (
        <>
          <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmReturnReasons')}</h2>
          <Space direction="vertical" style={{ width: '100%' }}>
            {reasons.map((r, i) => (
              <Space key={i} wrap>
                <Select<ReasonCode>
                  aria-label={`${t('stmReason')} ${i + 1}`}
                  style={{ width: 200 }}
                  value={r.reason}
                  onChange={(v) => setReason(i, { reason: v })}
                  options={REASONS.map((value) => ({ value, label: code(value) }))}
                />
                <Input
                  aria-label={`${t('stmNote')} ${i + 1}`}
                  placeholder={t('stmNote')}
                  style={{ width: 320 }}
                  value={r.note}
                  maxLength={500}
                  onChange={(e) => setReason(i, { note: e.target.value })}
                />
                <Input
                  aria-label={`${t('stmRecordId')} ${i + 1}`}
                  placeholder={t('stmRecordId')}
                  style={{ width: 180 }}
                  value={r.recordId}
                  onChange={(e) => setReason(i, { recordId: e.target.value.trim() })}
                />
              </Space>
            ))}
            <Space>
              <Button onClick={() => setReasons([...reasons, { reason: 'OTHER', note: '', recordId: '' }])}>{t('stmAddReason')}</Button>
              <Button type="primary" danger loading={act.isPending && act.variables === 'return'} onClick={() => act.mutate('return')}>
                {t('stmReturn')}
              </Button>
            </Space>
          </Space>
        </>
      )}
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmRecords')}</h2>
      {mayResubmit && <p>{t('stmWithdrawHint')}</p>}
      <Table<RecordRow>
        rowKey="id"
        size="small"
        loading={records.isLoading}
        dataSource={records.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        rowSelection={
          mayResubmit
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys.map(String)),
                getCheckboxProps: (r) => ({ 'aria-label': `${t('stmWithdraw')} ${r.externalId}` }),
              }
            : undefined
        }
        columns={[
          { title: '#', dataIndex: 'id' },
          { title: t('stmExternalId'), dataIndex: 'externalId' },
          { title: t('stmUnit'), dataIndex: 'unitCode' },
          { title: t('stmAmount'), dataIndex: 'fundPaid', align: 'right', render: (a: string) => formatYuan(a) },
          { title: t('state'), dataIndex: 'reviewStatus', render: (v: string) => code(v) },
        ]}
      />
      {mayResubmit && (
        <Space style={{ marginTop: 16 }}>
          <Button
            disabled={selected.length === 0}
            loading={act.isPending && act.variables === 'withdraw'}
            onClick={() => act.mutate('withdraw')}
          >
            {t('stmWithdraw')}
          </Button>
          <Link to="/upload">{t('upload')}</Link>
          <Button type="primary" loading={act.isPending && act.variables === 'resubmit'} onClick={() => act.mutate('resubmit')}>
            {t('stmResubmit')}
          </Button>
        </Space>
      )}
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmVersions')}</h2>
      <Table<Version>
        rowKey="seq"
        size="small"
        pagination={false}
        loading={versions.isLoading}
        dataSource={versions.data?.versions ?? []}
        columns={[
          { title: t('stmSeq'), dataIndex: 'seq' },
          { title: t('stmEvent'), dataIndex: 'event', render: (e: string) => code(e) },
          { title: t('stmActedOn'), dataIndex: 'actedOn', render: (d: string) => formatDate(d) },
          { title: t('stmActedBy'), dataIndex: 'actedBy' },
          { title: t('stmRecords'), key: 'records', align: 'right', render: (_: unknown, v: Version) => v.totals.records },
          { title: t('stmClaimedAmt'), key: 'claimed', align: 'right', render: (_: unknown, v: Version) => formatYuan(v.totals.claimed) },
          {
            title: t('stmReturnReasons'),
            key: 'reasons',
            render: (_: unknown, v: Version) => v.reasons.map((r) => `${code(r.reason)}${r.note ? `：${r.note}` : ''}`).join('；'),
          },
        ]}
      />
      {(versions.data?.withdrawn.length ?? 0) > 0 && (
        <>
          <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmWithdrawn')}</h2>
          <Table<Withdrawn>
            rowKey="recordId"
            size="small"
            pagination={false}
            dataSource={versions.data?.withdrawn ?? []}
            columns={[
              { title: '#', dataIndex: 'recordId' },
              { title: t('stmExternalId'), dataIndex: 'externalId' },
              { title: t('stmAmount'), dataIndex: 'fundPaid', align: 'right', render: (a: string) => formatYuan(a) },
              { title: t('stmActedOn'), dataIndex: 'withdrawnOn', render: (d: string) => formatDate(d) },
              { title: t('stmActedBy'), dataIndex: 'withdrawnBy' },
            ]}
          />
        </>
      )}
    </Card>
  );
}
