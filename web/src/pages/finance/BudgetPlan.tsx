import { Alert, App, Button, Card, Descriptions, Space, Spin, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router-dom';
import { api, call, downloadFile } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatYuan } from '../../lib/format';
import { formatRatio, PLAN_CATEGORIES, StateTag, type BudgetPlanView, type DocumentAction, Flag, FinLink } from './shared';

const ACTIONS: readonly DocumentAction[] = ['submit', 'return', 'approve', 'publish'];

function perform(id: number, action: DocumentAction, version: number): Promise<unknown> {
  const request = { params: { path: { id } }, body: { version } } as never;
  switch (action) {
    case 'submit':
      return call(() => api.POST('/api/v1/budget-plans/{id}/submit', request));
    case 'return':
      return call(() => api.POST('/api/v1/budget-plans/{id}/return', request));
    case 'approve':
      return call(() => api.POST('/api/v1/budget-plans/{id}/approve', request));
    default:
      return call(() => api.POST('/api/v1/budget-plans/{id}/publish', request));
  }
}

/** One budget plan: its figures against the floor, its lines, and the buttons the API allows the caller. */
export default function BudgetPlanPage() {
  const id = Number(useParams().id);
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const plan = useQuery({
    queryKey: ['budget-plan', id],
    queryFn: async () =>
      (await call(() => api.GET('/api/v1/budget-plans/{id}', { params: { path: { id } } } as never))) as unknown as BudgetPlanView,
  });
  const act = useMutation({
    mutationFn: (action: DocumentAction) => perform(id, action, plan.data!.version),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['budget-plan', id] });
      void queries.invalidateQueries({ queryKey: ['budget-plans'] });
      void message.success(t('done'));
    },
  });
  const exporting = useMutation({
    mutationFn: () => downloadFile(`/api/v1/budget-plans/${id}/export.xlsx`, `budget-plan-${id}.xlsx`),
  });
  if (plan.isLoading) return <Spin />;
  if (plan.error || !plan.data) return <Alert type="error" role="alert" title={refusalOf(plan.error) ?? 'error'} />;
  const p = plan.data;
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('finPlan')} #{p.id} · {p.communityCode} · {p.fundYear}
        </h1>
      }
      extra={<FinLink to="/finance/budget-plans">{t('back')}</FinLink>}
    >
      {(act.error ?? exporting.error) && (
        <Alert type="error" role="alert" title={refusalOf(act.error ?? exporting.error)} style={{ marginBottom: 16 }} />
      )}
      <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }}>
        <Descriptions.Item label={t('state')}>
          <StateTag state={p.state} />
        </Descriptions.Item>
        <Descriptions.Item label={t('finDocumentVersion')}>{p.documentVersion}</Descriptions.Item>
        <Descriptions.Item label={t('finEffectivePackage')}>{formatYuan(p.communityPackage)}</Descriptions.Item>
        <Descriptions.Item label={t('finTotal')}>{formatYuan(p.total)}</Descriptions.Item>
        <Descriptions.Item label={t('finPrimaryTotal')}>{formatYuan(p.primaryTotal)}</Descriptions.Item>
        <Descriptions.Item label={t('finPrimaryShare')}>{formatRatio(p.primaryShare)}</Descriptions.Item>
        <Descriptions.Item label={t('finPrimaryFloor')}>{formatRatio(p.floor.rate)}</Descriptions.Item>
        <Descriptions.Item label={t('finRequired')}>{formatYuan(p.floor.required)}</Descriptions.Item>
        <Descriptions.Item label={t('finMeter')}>
          <Flag tone={p.floor.met ? 'good' : 'bad'}>{p.floor.met ? t('finFloorMet') : t('finFloorNotMet')}</Flag>
        </Descriptions.Item>
        {PLAN_CATEGORIES.map((c) => (
          <Descriptions.Item key={c} label={code(c)}>
            {formatYuan(p.byCategory[c])}
          </Descriptions.Item>
        ))}
        <Descriptions.Item label={t('finCreatedBy')}>{p.createdBy}</Descriptions.Item>
        <Descriptions.Item label={t('finSubmittedBy')}>{p.submittedBy ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('finApprovedBy')}>{p.approvedBy ?? '—'}</Descriptions.Item>
      </Descriptions>
      {p.warnings.map((w) => (
        <Alert key={w.code} type="warning" title={`${code(w.code)}: ${w.message}`} style={{ marginTop: 8 }} />
      ))}
      <Space style={{ marginTop: 16 }}>
        {p.allowedActions
          .filter((a) => ACTIONS.includes(a))
          .map((a, i) => (
            <Button
              key={a}
              type={i === 0 ? 'primary' : 'default'}
              danger={a === 'return'}
              loading={act.isPending && act.variables === a}
              onClick={() => act.mutate(a)}
            >
              {t(`finAct_${a}` as 'finAct_submit')}
            </Button>
          ))}
        {/* A draft's lines change while its submit is offered (the API checks the change as a new plan). */}
        {p.allowedActions.includes('submit') && (
          <Button onClick={() => void navigate(`/finance/budget-plans/new?fundYear=${p.fundYear}&edit=${p.id}`)}>{t('finEditPlan')}</Button>
        )}
        {p.allowedActions.includes('supersede') && (
          <Button onClick={() => void navigate(`/finance/budget-plans/new?fundYear=${p.fundYear}&from=${p.id}`)}>
            {t('finNewVersion')}
          </Button>
        )}
        <Button loading={exporting.isPending} onClick={() => exporting.mutate()}>
          {t('finExport')}
        </Button>
      </Space>
      <h2 style={{ fontSize: 15, marginTop: 16 }}>{t('finLines')}</h2>
      <Table
        rowKey={(_, i) => String(i)}
        size="small"
        dataSource={p.lines}
        pagination={false}
        columns={[
          { title: t('finCategory'), dataIndex: 'category', render: (c: string) => code(c) },
          {
            title: t('finUnit'),
            dataIndex: 'institutionCode',
            render: (v: string | null, l) => (v ? `${l.institutionName ?? ''} (${v})` : '—'),
          },
          {
            title: t('finPrimaryUnit'),
            dataIndex: 'primary',
            render: (v: boolean) => (v ? <Flag tone="good">{t('finPrimaryUnit')}</Flag> : null),
          },
          { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string) => formatYuan(v) },
        ]}
      />
    </Card>
  );
}
