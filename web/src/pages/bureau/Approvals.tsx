import { useState } from 'react';
import { Alert, App, Button, Card, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api, ApiCallError, call } from '../../api/client';
import type { DeclarationView } from '../../api/views';
import { useI18n, type I18nKey } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatYuan } from '../../lib/format';
import { read, useCountyYear } from './api';
import { draftedByMe } from './MakerChecker';
import type { AllocationView, BudgetPlanView, YearEndView } from './views';

type Kind = 'allocation' | 'budgetPlan' | 'declaration' | 'yearEnd';

/** One document of the queue, whatever its kind: who drafted it and what the caller may do. */
interface Row {
  key: string;
  kind: Kind;
  id: number;
  title: string;
  link: string | null;
  amount: string | null;
  state: string;
  /** The state in which the document waits for an approver. */
  awaiting: boolean;
  version: number;
  /** Who drafted (or reviewed) it: the API refuses them its approval. */
  makers: (string | null)[];
  drafter: string;
  canApprove: boolean;
}

const KIND_LABEL: Record<Kind, I18nKey> = {
  allocation: 'buAllocationDoc',
  budgetPlan: 'buBudgetPlanDoc',
  declaration: 'buDeclarationDoc',
  yearEnd: 'buYearEndDoc',
};

const APPROVE_PATH = {
  allocation: '/api/v1/allocations/{id}/approve',
  budgetPlan: '/api/v1/budget-plans/{id}/approve',
  declaration: '/api/v1/declarations/{id}/approve',
  yearEnd: '/api/v1/year-end-settlements/{id}/approve',
} as const;

const items = <T,>(answer: unknown): T[] => (answer as { items: T[] }).items;

async function loadQueue(county: string, fundYear: number): Promise<Row[]> {
  const [allocations, plans, declarations, yearEnd] = await Promise.all([
    read<unknown>(() => api.GET('/api/v1/allocations', { params: { query: { pageSize: 100 } } })).then(items<AllocationView>),
    read<unknown>(() => api.GET('/api/v1/budget-plans', { params: { query: { pageSize: 100 } } })).then(items<BudgetPlanView>),
    call(() => api.GET('/api/v1/declarations', { params: { query: { pageSize: 100 } } })).then((a) => items<DeclarationView>(a)),
    // The last fund year's settlement, once the year-end cycle has drafted it.
    read<YearEndView>(() =>
      api.GET('/api/v1/counties/{countyCode}/year-end-settlements/{fundYear}', {
        params: { path: { countyCode: county, fundYear: fundYear - 1 } },
      }),
    ).catch((e: unknown) => {
      if (e instanceof ApiCallError && (e.status === 404 || e.status === 422)) return null;
      throw e;
    }),
  ]);
  return [
    ...allocations.map<Row>((a) => ({
      key: `allocation-${a.id}`,
      kind: 'allocation',
      id: a.id,
      title: `#${a.id} · ${a.countyCode} · ${a.fundYear}`,
      link: `/allocations/${a.id}`,
      amount: a.figures.communityPackage,
      state: a.state,
      awaiting: a.state === 'SUBMITTED',
      version: a.version,
      makers: [a.createdBy, a.submittedBy],
      drafter: a.createdBy,
      canApprove: a.allowedActions.includes('approve'),
    })),
    ...plans.map<Row>((p) => ({
      key: `budgetPlan-${p.id}`,
      kind: 'budgetPlan',
      id: p.id,
      title: `#${p.id} · ${p.communityCode} · ${p.fundYear}`,
      link: null,
      amount: p.communityPackage,
      state: p.state,
      awaiting: p.state === 'SUBMITTED',
      version: p.version,
      makers: [p.createdBy, p.submittedBy],
      drafter: p.createdBy,
      canApprove: p.allowedActions.includes('approve'),
    })),
    ...declarations.map<Row>((d) => ({
      key: `declaration-${d.id}`,
      kind: 'declaration',
      id: d.id,
      title: `#${d.id} · ${d.communityCode} · ${d.period}`,
      link: `/declarations/${d.id}`,
      amount: d.approved ?? d.accepted,
      state: d.state,
      awaiting: d.state === 'REVIEWED',
      version: d.version,
      // The bureau clerk who reviewed (deducted) records the decision the approver checks.
      makers: [d.reviewedBy],
      drafter: d.reviewedBy ?? d.declaredBy,
      canApprove: d.allowedActions.includes('approve'),
    })),
    ...(yearEnd
      ? [
          {
            key: `yearEnd-${yearEnd.id}`,
            kind: 'yearEnd' as const,
            id: yearEnd.id,
            title: `#${yearEnd.id} · ${yearEnd.countyCode} · ${yearEnd.fundYear}`,
            link: null,
            amount: null,
            state: yearEnd.state,
            awaiting: yearEnd.state === 'DRAFT',
            version: yearEnd.version,
            makers: [yearEnd.draftedBy],
            drafter: yearEnd.draftedBy,
            canApprove: yearEnd.allowedActions.includes('approve'),
          },
        ]
      : []),
  ];
}

/**
 * Documents awaiting approval across the bureau's lists, with maker-checker visible: on what the
 * caller drafted, the notice that another approver must approve it. Approval is offered where the
 * API offers it; a refusal is shown as the API words it.
 */
export default function ApprovalsPage() {
  const { t, code } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const { county, fundYear } = useCountyYear();
  const [filter, setFilter] = useState<'awaiting' | 'all'>('awaiting');
  const [kind, setKind] = useState<Kind | 'any'>('any');
  const queue = useQuery({
    queryKey: ['approvals', county, fundYear],
    enabled: !!county && !!fundYear,
    queryFn: () => loadQueue(county!, fundYear!),
  });
  const approve = useMutation({
    mutationFn: (row: Row) =>
      call(() => api.POST(APPROVE_PATH[row.kind], { params: { path: { id: row.id } }, body: { version: row.version } })),
    onSuccess: () => {
      void message.success(t('done'));
      void queries.invalidateQueries({ queryKey: ['inbox'] });
    },
    // Approved or refused, the queue is read again: a refusal for a stale version leaves the current one on screen.
    onSettled: () => void queries.invalidateQueries({ queryKey: ['approvals'] }),
  });
  const rows = (queue.data ?? []).filter((r) => (filter === 'all' || r.awaiting) && (kind === 'any' || r.kind === kind));
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('buApprovals')}</h1>}
      extra={
        <Space>
          <Select
            aria-label={t('buDocumentType')}
            style={{ minWidth: 140 }}
            value={kind}
            onChange={setKind}
            options={[
              { value: 'any', label: t('buAllKinds') },
              ...(Object.keys(KIND_LABEL) as Kind[]).map((k) => ({ value: k, label: t(KIND_LABEL[k]) })),
            ]}
          />
          <Segmented
            aria-label={t('state')}
            value={filter}
            onChange={(v) => setFilter(v as 'awaiting' | 'all')}
            options={[
              { value: 'awaiting', label: t('buAwaiting') },
              { value: 'all', label: t('buAllDocuments') },
            ]}
          />
        </Space>
      }
    >
      {queue.error && <Alert type="error" role="alert" title={refusalOf(queue.error)} style={{ marginBottom: 16 }} />}
      {approve.error && (
        <Alert
          type="error"
          role="alert"
          data-testid="approval-refusal"
          title={refusalOf(approve.error)}
          style={{ marginBottom: 16 }}
          closable
          onClose={() => approve.reset()}
        />
      )}
      <Table<Row>
        rowKey="key"
        size="small"
        loading={queue.isLoading}
        dataSource={rows}
        locale={{ emptyText: <span style={{ color: 'rgba(0, 0, 0, 0.7)' }}>{t('buNoApprovals')}</span> }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('buDocumentType'), dataIndex: 'kind', render: (k: Kind) => t(KIND_LABEL[k]) },
          { title: t('buDocument'), dataIndex: 'title', render: (title: string, r) => (r.link ? <Link to={r.link}>{title}</Link> : title) },
          { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string | null) => formatYuan(v) },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <Tag>{code(s)}</Tag> },
          { title: t('buDraftedBy'), dataIndex: 'drafter' },
          {
            title: t('actions'),
            key: 'actions',
            render: (_: unknown, r) => (
              <Space direction="vertical" size={4}>
                {r.awaiting && draftedByMe(me, r.makers) && (
                  <Typography.Text strong style={{ color: '#ad4e00' }} data-testid="maker-checker">
                    {t('buMakerChecker')}
                  </Typography.Text>
                )}
                {r.canApprove && (
                  <Button
                    size="small"
                    type="primary"
                    loading={approve.isPending && approve.variables?.key === r.key}
                    onClick={() => approve.mutate(r)}
                  >
                    {t('approve')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
