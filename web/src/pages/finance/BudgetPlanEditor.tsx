import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Descriptions, Input, InputNumber, Progress, Select, Space, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiCallError, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf, useInstitution, useToday } from '../../lib/context';
import { formatYuan } from '../../lib/format';
import { toPage } from '../../lib/lists';
import { formatRatio, PLAN_CATEGORIES, type BudgetPlanView, type PlanCategory, Flag, FinLink } from './shared';

type Preview = Schemas['BudgetPlanPreviewResponse'];

interface Line {
  key: number;
  category: PlanCategory;
  institutionCode?: string;
  amount: string;
}

const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;

/** The same text, settled for `delay` ms: the floor meter asks the API once the user pauses. */
function useSettled<T>(value: T, delay = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/**
 * The budget plan editor with a live floor meter: each pause asks the API's preview for the
 * plan's total against M, its primary share and the floor's required amount and shortfall;
 * saving drafts the plan, and the API's refusal is shown with its figures.
 */
export default function BudgetPlanEditorPage() {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [search] = useSearchParams();
  const today = useToday();
  const institution = useInstitution();
  const community = (institution.data?.communityCode as unknown as string | null | undefined) ?? undefined;
  const [fundYear, setFundYear] = useState<number | undefined>(search.get('fundYear') ? Number(search.get('fundYear')) : undefined);
  const year = fundYear ?? (today ? Number(today.slice(0, 4)) : undefined);
  const [lines, setLines] = useState<Line[]>([
    { key: 1, category: 'OUT_OF_COUNTY', amount: '' },
    { key: 2, category: 'INPATIENT', amount: '' },
    { key: 3, category: 'OUTPATIENT', amount: '' },
  ]);
  const [nextKey, setNextKey] = useState(4);
  // A new version starts from the lines of the plan it follows (?from=<id>); a draft is changed in place (?edit=<id>).
  const editing = search.get('edit');
  const from = editing ?? search.get('from');
  const previous = useQuery({
    queryKey: ['budget-plan', Number(from)],
    enabled: !!from,
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/budget-plans/{id}', { params: { path: { id: Number(from) } } } as never),
      )) as unknown as BudgetPlanView,
  });
  useEffect(() => {
    if (!previous.data) return;
    setLines(
      previous.data.lines.map((l, i) => ({
        key: i + 1,
        category: l.category,
        institutionCode: l.institutionCode ?? undefined,
        amount: l.amount,
      })),
    );
    setNextKey(previous.data.lines.length + 1);
  }, [previous.data]);

  const members = useQuery({
    queryKey: ['institutions', 'community', community],
    enabled: !!community,
    queryFn: async () =>
      toPage(
        await call(() => api.GET('/api/v1/institutions', { params: { query: { communityCode: community, active: true, pageSize: 500 } } })),
      ).items,
  });

  const body = useMemo(
    () =>
      community && year
        ? {
            communityCode: community,
            fundYear: year,
            lines: lines.map((l) => ({
              category: l.category,
              ...(l.category !== 'OUT_OF_COUNTY' && l.institutionCode ? { institutionCode: l.institutionCode } : {}),
              amount: l.amount.trim(),
            })),
          }
        : null,
    [community, year, lines],
  );
  const settled = useSettled(body);
  // Asked only when every line names an amount (and a unit where one is needed); the API checks the rest.
  const complete =
    !!settled && settled.lines.every((l) => AMOUNT.test(l.amount) && (l.category === 'OUT_OF_COUNTY' || 'institutionCode' in l));
  const preview = useQuery({
    queryKey: ['budget-plan-preview', settled],
    enabled: complete,
    placeholderData: (previous) => previous,
    queryFn: async () => (await call(() => api.POST('/api/v1/budget-plans/preview', { body: settled! }))) as Preview,
  });
  const save = useMutation({
    mutationFn: async () =>
      (await (editing
        ? call(() =>
            api.PATCH('/api/v1/budget-plans/{id}', {
              params: { path: { id: Number(editing) } },
              body: { version: previous.data!.version, lines: body!.lines },
            } as never),
          )
        : call(() => api.POST('/api/v1/budget-plans', { body: body! as never })))) as unknown as BudgetPlanView,
    onSuccess: (plan) => {
      void queries.invalidateQueries({ queryKey: ['budget-plans'] });
      void queries.invalidateQueries({ queryKey: ['budget-plan'] });
      void navigate(`/finance/budget-plans/${plan.id}`);
    },
  });
  const refusal = save.error instanceof ApiCallError ? save.error.body : undefined;
  const p = preview.data;
  const setLine = (key: number, change: Partial<Line>) => setLines((all) => all.map((l) => (l.key === key ? { ...l, ...change } : l)));

  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{editing ? `${t('finEditPlan')} #${editing}` : t('finNewPlan')}</h1>}
      extra={
        <Space>
          <label htmlFor="plan-year">{t('finFundYear')}</label>
          <InputNumber id="plan-year" min={2000} max={2100} value={year} disabled={!!editing} onChange={(v) => v && setFundYear(v)} />
          <FinLink to="/finance/budget-plans">{t('back')}</FinLink>
        </Space>
      }
    >
      <Card size="small" title={<h2 style={{ fontSize: 15, margin: 0 }}>{t('finMeter')}</h2>} data-testid="floor-meter">
        {preview.error && <Alert type="error" role="alert" title={refusalOf(preview.error)} style={{ marginBottom: 12 }} />}
        {p ? (
          <>
            <Progress
              percent={Math.min(100, Number(p.primaryShare) * 100)}
              success={{ percent: 0 }}
              status={p.floor.met ? 'success' : 'exception'}
              format={() => <span style={{ color: '#262626' }}>{formatRatio(p.primaryShare)}</span>}
              aria-label={`${t('finPrimaryShare')} ${formatRatio(p.primaryShare)} / ${t('finPrimaryFloor')} ${formatRatio(p.floor.rate)}`}
            />
            <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} style={{ marginTop: 8 }}>
              <Descriptions.Item label={t('finEffectivePackage')}>{formatYuan(p.communityPackage)}</Descriptions.Item>
              <Descriptions.Item label={t('finTotal')}>{formatYuan(p.total)}</Descriptions.Item>
              <Descriptions.Item label={t('finUnplanned')}>
                {formatYuan(p.unplanned)} {!p.totalMatches && <Flag tone="caution">{t('finTotalMismatch')}</Flag>}
              </Descriptions.Item>
              <Descriptions.Item label={t('finPrimaryTotal')}>{formatYuan(p.primaryTotal)}</Descriptions.Item>
              <Descriptions.Item label={t('finPrimaryShare')}>{formatRatio(p.primaryShare)}</Descriptions.Item>
              <Descriptions.Item label={t('finPrimaryFloor')}>{formatRatio(p.floor.rate)}</Descriptions.Item>
              <Descriptions.Item label={t('finRequired')}>{formatYuan(p.floor.required)}</Descriptions.Item>
              <Descriptions.Item label={t('finShortfall')}>{formatYuan(p.floor.shortfall)}</Descriptions.Item>
              <Descriptions.Item label={t('state')}>
                <Flag tone={p.floor.met ? 'good' : 'bad'}>{p.floor.met ? t('finFloorMet') : t('finFloorNotMet')}</Flag>
              </Descriptions.Item>
            </Descriptions>
            {p.warnings.map((w) => (
              <Alert key={w.code} type="warning" title={`${code(w.code)}: ${w.message}`} style={{ marginTop: 8 }} />
            ))}
          </>
        ) : (
          <span>{preview.isFetching ? t('finPreviewing') : '—'}</span>
        )}
      </Card>

      {save.error && (
        <Alert
          type="error"
          role="alert"
          data-testid="plan-refusal"
          style={{ marginTop: 16 }}
          title={`${t('finRefused')}${refusal?.code ? ` · ${code(refusal.code)}` : ''}`}
          description={
            <>
              <div>{refusalOf(save.error)}</div>
              {refusal?.details?.map((d, i) => (
                <div key={i}>
                  {d.field}: {d.message}
                </div>
              ))}
              {refusal?.code === 'PRIMARY_FLOOR_NOT_MET' && p && (
                <div>
                  {t('finRequired')} {formatYuan(p.floor.required)} · {t('finShortfall')} {formatYuan(p.floor.shortfall)}
                </div>
              )}
            </>
          }
        />
      )}

      <h2 style={{ fontSize: 15, marginTop: 16 }}>{t('finLines')}</h2>
      <Table<Line>
        rowKey="key"
        size="small"
        dataSource={lines}
        pagination={false}
        columns={[
          {
            title: t('finCategory'),
            dataIndex: 'category',
            render: (c: PlanCategory, l, i) => (
              <Select
                aria-label={`${t('finCategory')} ${i + 1}`}
                style={{ minWidth: 140 }}
                value={c}
                onChange={(v) => setLine(l.key, { category: v, institutionCode: v === 'OUT_OF_COUNTY' ? undefined : l.institutionCode })}
                options={PLAN_CATEGORIES.map((k) => ({ value: k, label: code(k) }))}
              />
            ),
          },
          {
            title: t('finUnit'),
            dataIndex: 'institutionCode',
            render: (v: string | undefined, l, i) =>
              l.category === 'OUT_OF_COUNTY' ? (
                '—'
              ) : (
                <Select
                  aria-label={`${t('finUnit')} ${i + 1}`}
                  style={{ minWidth: 220 }}
                  value={v}
                  showSearch
                  optionFilterProp="label"
                  onChange={(code) => setLine(l.key, { institutionCode: code })}
                  options={(members.data ?? [])
                    .filter((m) => m.type !== 'BUREAU')
                    .map((m) => ({ value: m.code, label: `${m.name} (${m.code})${m.primary ? ` · ${t('finPrimaryUnit')}` : ''}` }))}
                />
              ),
          },
          {
            title: `${t('amount')}（元）`,
            dataIndex: 'amount',
            render: (v: string, l, i) => (
              <Input
                aria-label={`${t('amount')} ${i + 1}`}
                inputMode="decimal"
                value={v}
                status={v && !AMOUNT.test(v.trim()) ? 'error' : undefined}
                placeholder="1000000.00"
                onChange={(e) => setLine(l.key, { amount: e.target.value })}
              />
            ),
          },
          {
            title: t('actions'),
            key: 'remove',
            render: (_: unknown, l) => (
              <Button size="small" disabled={lines.length === 1} onClick={() => setLines((all) => all.filter((x) => x.key !== l.key))}>
                {t('finRemoveLine')}
              </Button>
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button
          onClick={() => {
            setLines((all) => [...all, { key: nextKey, category: 'OUTPATIENT', amount: '' }]);
            setNextKey((k) => k + 1);
          }}
        >
          {t('finAddLine')}
        </Button>
        <Button type="primary" loading={save.isPending} disabled={!body || (!!editing && !previous.data)} onClick={() => save.mutate()}>
          {t('finSaveDraft')}
        </Button>
      </Space>
    </Card>
  );
}
