import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Input, Space, Spin, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { SurplusPlanView } from '../api/views';
import { useI18n } from '../app/i18n';
import { refusalOf } from '../lib/context';
import { formatDate, formatYuan } from '../lib/format';
import { ChainActions, ChainDetails, ChainStatusTag, performChainAction } from './chain';

type Line = SurplusPlanView['lines'][number];

const load = async (id: number) =>
  (await call(() => api.GET('/api/v1/surplus-plans/{id}', { params: { path: { id } } }))) as unknown as SurplusPlanView;

/** The API's refusal with each rule it names (sumsToSurplus, primaryFloor, tiltToPrimary, …). */
function Refusal({ error }: { error: unknown }) {
  const details = (error as { body?: { details?: { field: string; rule: string; message: string }[] } }).body?.details ?? [];
  return (
    <Alert
      type="error"
      role="alert"
      style={{ marginBottom: 16 }}
      title={refusalOf(error)}
      description={
        details.length > 0 && (
          <ul style={{ margin: 0 }} data-testid="refusal-rules">
            {details.map((d) => (
              <li key={`${d.field}:${d.rule}`}>
                {d.rule} · {d.field}: {d.message}
              </li>
            ))}
          </ul>
        )
      }
    />
  );
}

/**
 * One surplus plan: the amount per member unit beside the default proposal, SPEC §7's figures as
 * the API computes them, the chain with its steps and history, and the caller's actions. Lead
 * finance edits the amounts of a draft or returned plan; the API checks them when saved.
 */
export default function SurplusPlanPage() {
  const id = Number(useParams().id);
  const { t } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const plan = useQuery({ queryKey: ['surplus-plan', id], queryFn: () => load(id) });
  const [amounts, setAmounts] = useState<Record<string, string> | null>(null);
  const refresh = () => {
    void queries.invalidateQueries({ queryKey: ['surplus-plan', id] });
    void queries.invalidateQueries({ queryKey: ['surplus-plans'] });
    void queries.invalidateQueries({ queryKey: ['notifications'] });
  };
  const act = useMutation({
    mutationFn: ({ action, step, comment }: { action: SurplusPlanView['allowedActions'][number]; step?: string; comment?: string }) =>
      performChainAction('/api/v1/surplus-plans', id, action, plan.data!.version, step, comment),
    onSuccess: () => {
      refresh();
      void message.success(t('done'));
    },
  });
  const save = useMutation({
    mutationFn: (edited: Record<string, string>) =>
      call(() =>
        api.PATCH('/api/v1/surplus-plans/{id}', {
          params: { path: { id } },
          body: {
            version: plan.data!.version,
            units: Object.entries(edited).map(([institutionCode, amount]) => ({ institutionCode, amount: amount.trim() })),
          },
        }),
      ),
    onSuccess: () => {
      setAmounts(null);
      refresh();
      void message.success(t('done'));
    },
  });
  if (plan.isLoading) return <Spin />;
  if (plan.error || !plan.data) return <Alert type="error" title={refusalOf(plan.error) ?? 'error'} />;
  const p = plan.data;
  // The applicant's body edits while it may submit (a draft or a returned plan).
  const editable = p.allowedActions.includes('submit');
  const editing = amounts !== null;
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('surplusPlan')} #{p.id} · {p.communityCode} · {p.fundYear}
        </h1>
      }
      extra={<Link to="/surplus-plans">{t('back')}</Link>}
    >
      {save.error && <Refusal error={save.error} />}
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('chainStatus')}>
          <ChainStatusTag status={p.chain.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('version')}>{p.version}</Descriptions.Item>
        <Descriptions.Item label={t('surplus')}>{formatYuan(p.surplus)}</Descriptions.Item>
        <Descriptions.Item label={t('councilDecision')}>{p.councilDecision}</Descriptions.Item>
        <Descriptions.Item label={t('planned')}>{formatYuan(p.check.planned)}</Descriptions.Item>
        <Descriptions.Item label={t('primaryPlanned')}>
          {formatYuan(p.check.primaryPlanned)}（{t('proposal')} {formatYuan(p.check.primaryProposed)}）
        </Descriptions.Item>
        <Descriptions.Item label={t('primaryFunds')}>{formatYuan(p.check.primaryFunds)}</Descriptions.Item>
        <Descriptions.Item label={t('floorRequired')}>{formatYuan(p.check.floorRequired)}</Descriptions.Item>
        <Descriptions.Item label={t('yearEndState')}>
          {p.yearEnd.state} · {formatYuan(p.yearEnd.surplus)}{' '}
          {p.yearEnd.surplusPlanApplied && <Tag color="green">{t('surplusPlanApplied')}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t('executedOn')}>
          {formatDate(p.executedOn)} {p.executedBy ? `· ${p.executedBy}` : ''}
        </Descriptions.Item>
      </Descriptions>
      {p.check.problems.length > 0 && (
        <Alert
          type="warning"
          style={{ marginTop: 16 }}
          title={t('planProblems')}
          description={
            <ul style={{ margin: 0 }} data-testid="plan-problems">
              {p.check.problems.map((d) => (
                <li key={d.rule}>
                  {d.rule}: {d.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('planLines')}</h2>
      <Table
        rowKey="institutionCode"
        size="small"
        pagination={false}
        dataSource={p.lines}
        data-testid="plan-lines"
        columns={[
          { title: t('unit'), dataIndex: 'institutionCode' },
          { title: t('institution'), dataIndex: 'institutionName' },
          { title: t('primaryUnit'), dataIndex: 'primary', render: (v: boolean) => (v ? t('yes') : t('no')) },
          { title: t('approvedConsumption'), dataIndex: 'approvedConsumption', align: 'right', render: formatYuan },
          { title: t('proposal'), dataIndex: 'proposed', align: 'right', render: formatYuan },
          {
            title: t('planAmount'),
            dataIndex: 'amount',
            align: 'right',
            render: (amount: string, l: Line) =>
              editing ? (
                <Input
                  aria-label={`${t('planAmount')} ${l.institutionCode}`}
                  style={{ width: 160, textAlign: 'right' }}
                  value={amounts[l.institutionCode]}
                  onChange={(e) => setAmounts({ ...amounts, [l.institutionCode]: e.target.value })}
                />
              ) : (
                formatYuan(amount)
              ),
          },
        ]}
      />
      {editable && (
        <Space style={{ marginTop: 16 }}>
          {editing ? (
            <>
              <Button type="primary" loading={save.isPending} onClick={() => save.mutate(amounts)}>
                {t('saveAmounts')}
              </Button>
              <Button onClick={() => (setAmounts(null), save.reset())}>{t('cancel')}</Button>
            </>
          ) : (
            <Button onClick={() => setAmounts(Object.fromEntries(p.lines.map((l) => [l.institutionCode, l.amount])))}>
              {t('editAmounts')}
            </Button>
          )}
        </Space>
      )}
      {!editing && <ChainActions allowed={p.allowedActions} chain={p.chain} act={act} />}
      <ChainDetails chain={p.chain} />
    </Card>
  );
}
