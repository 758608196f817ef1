import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Input, InputNumber, Space, Spin, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call, downloadFile, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import { FIGURE_COLUMNS, type UnitStatement } from './shared';

type ReasonAmount = UnitStatement['rejectedByReason'][number];
type Transfer = Schemas['UnitStatementResponse']['transfers'][number];
type Adjustment = Schemas['UnitStatementResponse']['adjustments'][number];

/**
 * A unit's monthly statement (结算单): every figure as the API sends it, the reasons behind the
 * rejections and deductions, the dates, the ledger transfers; the unit confirms it (对账确认) or
 * disputes it by naming the dispute it filed. The buttons are the API's `allowedActions`.
 */
export default function StatementPage() {
  const id = Number(useParams().id);
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [note, setNote] = useState('');
  const [disputeId, setDisputeId] = useState<number | null>(null);
  const statement = useQuery({
    queryKey: ['unit-statement', id],
    queryFn: () => call(() => api.GET('/api/v1/member-claims/{id}/statement', { params: { path: { id } } })),
  });
  const answer = useMutation({
    mutationFn: (action: 'confirm' | 'dispute') =>
      action === 'confirm'
        ? call(() => api.POST('/api/v1/member-claims/{id}/statement/confirm', { params: { path: { id } }, body: note ? { note } : {} }))
        : call(() =>
            api.POST('/api/v1/member-claims/{id}/statement/dispute', {
              params: { path: { id } },
              body: { ...(note ? { note } : {}), ...(disputeId !== null ? { disputeId } : {}) },
            }),
          ),
    onSuccess: (updated) => {
      queries.setQueryData(['unit-statement', id], updated);
      void message.success(t('done'));
    },
  });
  if (statement.isLoading) return <Spin />;
  if (statement.error || !statement.data) return <Alert type="error" title={refusalOf(statement.error) ?? 'error'} />;
  const s = statement.data;
  const reasonTable = (rows: ReasonAmount[], label: string) => (
    <Table<ReasonAmount>
      rowKey="reason"
      size="small"
      pagination={false}
      dataSource={rows}
      title={() => label}
      columns={[
        { title: t('stmReason'), dataIndex: 'reason', render: (r: string) => code(r) },
        { title: t('stmRecords'), dataIndex: 'records', align: 'right' },
        { title: t('stmAmount'), dataIndex: 'amount', align: 'right', render: (a: string) => formatYuan(a) },
      ]}
    />
  );
  const refusal = refusalOf(answer.error);
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('stmStatement')} · {s.institutionCode} {s.institutionName} · {s.period}
        </h1>
      }
      extra={
        <Space>
          <Button
            onClick={() => void downloadFile(`/api/v1/member-claims/${id}/statement.xlsx`, `${s.institutionCode}-${s.period}-结算单.xlsx`)}
          >
            {t('stmXlsx')}
          </Button>
          <Link to="/statements">{t('back')}</Link>
        </Space>
      }
    >
      {refusal && <Alert type="error" role="alert" title={refusal} style={{ marginBottom: 16 }} />}
      <Descriptions bordered size="small" column={3} data-testid="statement-figures">
        <Descriptions.Item label={t('state')}>{code(s.declarationState)}</Descriptions.Item>
        <Descriptions.Item label={t('stmRecords')}>{s.records}</Descriptions.Item>
        <Descriptions.Item label={t('stmRecordsLink')}>
          <Link to={`/claims/${s.claimId}`}>#{s.claimId}</Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('stmRuleHits')}>
          <span data-testid="statement-rule-hits">
            {s.ruleHits} {t('stmRuleHitsOf')} {s.ruleHitsAccepted}
          </span>
        </Descriptions.Item>
        {FIGURE_COLUMNS.map(([key, label]) => (
          <Descriptions.Item key={key} label={t(label)}>
            <span data-figure={key}>{formatYuan(s[key])}</span>
          </Descriptions.Item>
        ))}
      </Descriptions>
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmDates')}</h2>
      <Descriptions bordered size="small" column={4}>
        <Descriptions.Item label={t('stmSubmittedOn')}>{formatDate(s.submittedOn)}</Descriptions.Item>
        <Descriptions.Item label={t('stmReviewedOn')}>{formatDate(s.reviewedOn)}</Descriptions.Item>
        <Descriptions.Item label={t('stmDeclaredOn')}>{formatDate(s.declaredOn)}</Descriptions.Item>
        <Descriptions.Item label={t('stmApprovedOn')}>{formatDate(s.approvedOn)}</Descriptions.Item>
        <Descriptions.Item label={t('stmFundedOn')}>{formatDate(s.fundedOn)}</Descriptions.Item>
        <Descriptions.Item label={t('stmPassDownDeadline')}>{formatDate(s.passDownDeadline)}</Descriptions.Item>
        <Descriptions.Item label={t('stmPassedDownOn')}>{formatDate(s.passedDownOn)}</Descriptions.Item>
      </Descriptions>
      <Space direction="vertical" style={{ width: '100%', marginTop: 24 }}>
        {reasonTable(s.rejectedByReason, `${t('stmRejected')} · ${t('stmByReason')}`)}
        {reasonTable(s.deductedByReason, `${t('stmDeducted')} · ${t('stmByReason')}`)}
      </Space>
      {s.adjustments.length > 0 && (
        <>
          <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmAdjustments')}</h2>
          <Table<Adjustment>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={s.adjustments}
            data-testid="statement-adjustments"
            columns={[
              { title: t('stmAdjustmentKind'), dataIndex: 'kind', render: (k: string) => code(k) },
              { title: t('stmAmount'), dataIndex: 'amount', align: 'right', render: (a: string) => formatYuan(a) },
              { title: t('stmSource'), dataIndex: 'source' },
              { title: t('stmFromPeriod'), dataIndex: 'fromPeriod', render: (p: string | null) => p ?? '—' },
              { title: t('stmCalculation'), dataIndex: 'calculation', render: (c: string | null) => c ?? '—' },
            ]}
          />
        </>
      )}
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmTransfers')}</h2>
      <Table<Transfer>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={s.transfers}
        columns={[
          { title: t('stmTransferId'), dataIndex: 'id' },
          { title: t('stmAmount'), dataIndex: 'amount', align: 'right', render: (a: string) => formatYuan(a) },
          { title: t('stmMemo'), dataIndex: 'memo' },
          { title: t('stmPostedAt'), dataIndex: 'postedAt' },
        ]}
      />
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmAnswer')}</h2>
      <p>
        {s.response ? (
          <>
            <Tag color={s.response.response === 'CONFIRMED' ? 'green' : 'red'}>{code(s.response.response)}</Tag>
            {formatDate(s.response.respondedOn)} · {s.response.respondedBy}
            {s.response.disputeId !== null && (
              <>
                {' · '}
                <Link to={`/disputes/${s.response.disputeId}`}>
                  {t('stmDisputeId')} #{s.response.disputeId}
                </Link>
              </>
            )}
            {s.response.note && ` · ${s.response.note}`}
            {s.response.figuresChanged && <Tag color="orange">{t('stmFiguresChanged')}</Tag>}
          </>
        ) : (
          <Tag>{t('stmNotAnswered')}</Tag>
        )}
      </p>
      {s.allowedActions.length > 0 && (
        <Space wrap>
          <Input
            aria-label={t('stmNote')}
            placeholder={t('stmNote')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={500}
          />
          {s.allowedActions.includes('confirm') && (
            <Button type="primary" loading={answer.isPending && answer.variables === 'confirm'} onClick={() => answer.mutate('confirm')}>
              {t('stmConfirm')}
            </Button>
          )}
          {s.allowedActions.includes('dispute') && (
            <>
              <InputNumber
                aria-label={t('stmDisputeId')}
                placeholder={t('stmDisputeId')}
                min={1}
                value={disputeId}
                onChange={(v) => setDisputeId(v)}
              />
              <Button danger loading={answer.isPending && answer.variables === 'dispute'} onClick={() => answer.mutate('dispute')}>
                {t('stmDispute')}
              </Button>
              <Link to="/disputes">{t('stmFileDispute')}</Link>
            </>
          )}
        </Space>
      )}
    </Card>
  );
}
