import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Empty, InputNumber, Space, Spin, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, downloadFile, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf, useInstitution, useToday } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import { formatRatio, StateTag, BUREAU_READERS, Flag } from './shared';

// The API's answers, as its OpenAPI document describes them.
type Statement = Schemas['YearEndStatementResponse'];
type CommunitySummary = Schemas['CommunityYearEndResponse'];
type Settlement = Schemas['YearEndResponse'];

/** The statements' columns: every figure is the API's text, formatted only. */
function useStatementColumns() {
  const { t, code } = useI18n();
  const money = (key: keyof Statement, label: Parameters<typeof t>[0]) => ({
    title: t(label),
    dataIndex: key,
    align: 'right' as const,
    render: (v: string) => formatYuan(v),
  });
  return [
    { title: t('institution'), dataIndex: 'institutionName', render: (v: string, s: Statement) => `${v} (${s.institutionCode})` },
    {
      title: t('finKind'),
      dataIndex: 'kind',
      render: (k: string, s: Statement) => (
        <>
          {code(k)} {s.primary && <Flag tone="good">{t('finPrimaryUnit')}</Flag>}
        </>
      ),
    },
    money('approvedConsumption', 'finApprovedConsumption'),
    money('overspendShare', 'finOverspendShare'),
    money('surplusShare', 'finSurplusShare'),
    money('floorTopUp', 'finFloorTopUp'),
    money('depositWithheld', 'finDepositWithheld'),
    money('depositRelease', 'finDepositRelease'),
    money('paidSoFar', 'finPaidSoFar'),
    money('balanceDue', 'finBalanceDue'),
  ];
}

function CommunitySummaryView({ c }: { c: CommunitySummary }) {
  const { t } = useI18n();
  return (
    <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} title={`${t('finCommunitySummary')} · ${c.communityCode}`}>
      <Descriptions.Item label={t('finEffectivePackage')}>{formatYuan(c.communityPackage)}</Descriptions.Item>
      <Descriptions.Item label={t('finTotalExpenditure')}>{formatYuan(c.totalExpenditure)}</Descriptions.Item>
      <Descriptions.Item label={t('finOverspend')}>{formatYuan(c.overspend)}</Descriptions.Item>
      <Descriptions.Item label={t('finSurplus')}>{formatYuan(c.surplus)}</Descriptions.Item>
      <Descriptions.Item label={t('finPrimaryAfterShares')}>{formatYuan(c.primaryAfterShares)}</Descriptions.Item>
      <Descriptions.Item label={t('finPrimaryShareOfPackage')}>{formatRatio(c.primaryShareOfPackage)}</Descriptions.Item>
      <Descriptions.Item label={t('finRequired')}>{formatYuan(c.floor.required)}</Descriptions.Item>
      <Descriptions.Item label={t('finShortfall')}>{formatYuan(c.floor.shortfall)}</Descriptions.Item>
      <Descriptions.Item label={t('finMeter')}>
        <Flag tone={c.floorViolation ? 'bad' : 'good'}>{c.floorViolation ? t('finFloorViolation') : t('finFloorMet')}</Flag>
      </Descriptions.Item>
      {c.decisionNeeded && (
        <Descriptions.Item label={t('finDecisionNeeded')} span={3}>
          {c.decisionNeeded}
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

/** The bureau's year-end settlement of the county: review, approve, post, redraft, export. */
function SettlementSection({ county, year }: { county: string; year: number }) {
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const columns = useStatementColumns();
  const settlement = useQuery({
    queryKey: ['year-end-settlement', county, year],
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/counties/{countyCode}/year-end-settlements/{fundYear}', {
          params: { path: { countyCode: county, fundYear: year } },
        } as never),
      )) as unknown as Settlement,
  });
  const s = settlement.data;
  const act = useMutation({
    mutationFn: (action: Settlement['allowedActions'][number]) => {
      const request = { params: { path: { id: s!.id } }, body: { version: s!.version } } as never;
      if (action === 'approve') return call(() => api.POST('/api/v1/year-end-settlements/{id}/approve', request));
      if (action === 'post') return call(() => api.POST('/api/v1/year-end-settlements/{id}/post', request));
      return call(() => api.POST('/api/v1/year-end-settlements/{id}/redraft', request));
    },
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['year-end-settlement'] });
      void message.success(t('done'));
    },
  });
  const exporting = useMutation({
    mutationFn: () => downloadFile(`/api/v1/year-end-settlements/${s!.id}/export.xlsx`, `${county}-${year}-year-end.xlsx`),
  });
  if (settlement.isLoading) return <Spin />;
  if (settlement.error || !s) return <Alert type="info" role="status" title={refusalOf(settlement.error) ?? '—'} />;
  return (
    <section aria-label={t('finSettlement')}>
      {(act.error ?? exporting.error) && (
        <Alert type="error" role="alert" title={refusalOf(act.error ?? exporting.error)} style={{ marginBottom: 12 }} />
      )}
      <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="settlement-figures">
        <Descriptions.Item label={t('finSettlementState')}>
          <StateTag state={s.state} />
        </Descriptions.Item>
        <Descriptions.Item label={t('finRevision')}>{s.revision}</Descriptions.Item>
        <Descriptions.Item label={t('finDraftedBy')}>
          {s.draftedBy} · {formatDate(s.draftedAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('finApprovedBy')}>{s.approvedBy ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('finPostedTransfers')}>
          {s.postedTransfers} / {s.totalTransfers}
        </Descriptions.Item>
        <Descriptions.Item label={t('finPendingDeclarations')}>
          {s.summary.pendingDeclarations.length
            ? s.summary.pendingDeclarations.map((d) => `${d.communityCode} ${d.period} ${code(d.state)}`).join('；')
            : t('finNone')}
        </Descriptions.Item>
      </Descriptions>
      <Space style={{ margin: '12px 0' }}>
        {s.allowedActions.map((a, i) => (
          <Button
            key={a}
            type={i === 0 ? 'primary' : 'default'}
            loading={act.isPending && act.variables === a}
            onClick={() => act.mutate(a)}
          >
            {t(`finAct_${a}` as 'finAct_approve')}
          </Button>
        ))}
        <Button loading={exporting.isPending} onClick={() => exporting.mutate()}>
          {t('finExport')}
        </Button>
      </Space>
      {s.summary.communities.map((c) => (
        <div key={c.communityCode} style={{ marginBottom: 12 }}>
          <CommunitySummaryView c={c} />
        </div>
      ))}
      <Table<Statement>
        rowKey="institutionCode"
        size="small"
        dataSource={s.statements}
        columns={columns}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: true }}
      />
    </section>
  );
}

/** The lead unit's community: its summary line and its units' statements. */
function CommunitySection({ community, year }: { community: string; year: number }) {
  const columns = useStatementColumns();
  const { t } = useI18n();
  const statements = useQuery({
    queryKey: ['year-end-statements', community, year],
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/communities/{communityCode}/year-end-statements/{fundYear}', {
          params: { path: { communityCode: community, fundYear: year }, query: { pageSize: 500 } },
        } as never),
      )) as unknown as { items: Statement[]; state: string; community: CommunitySummary | null },
  });
  if (statements.isLoading) return <Spin />;
  if (statements.error || !statements.data) return <Alert type="info" role="status" title={refusalOf(statements.error) ?? '—'} />;
  const d = statements.data;
  return (
    <section aria-label={t('finStatements')}>
      <p>
        {t('finSettlementState')}: <StateTag state={d.state} />
      </p>
      {d.community && <CommunitySummaryView c={d.community} />}
      <Table<Statement>
        style={{ marginTop: 12 }}
        rowKey="institutionCode"
        size="small"
        dataSource={d.items}
        columns={columns}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: true }}
      />
    </section>
  );
}

/** One unit's own statement. */
function UnitSection({ code: unit, year }: { code: string; year: number }) {
  const { t } = useI18n();
  const statement = useQuery({
    queryKey: ['year-end-statement', unit, year],
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/institutions/{code}/year-end-statement/{fundYear}', { params: { path: { code: unit, fundYear: year } } } as never),
      )) as unknown as { state: string; statement: Statement },
  });
  if (statement.isLoading) return <Spin />;
  if (statement.error || !statement.data) return <Alert type="info" role="status" title={refusalOf(statement.error) ?? '—'} />;
  const s = statement.data.statement;
  return (
    <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="unit-statement">
      <Descriptions.Item label={t('institution')}>
        {s.institutionName} ({s.institutionCode})
      </Descriptions.Item>
      <Descriptions.Item label={t('finSettlementState')}>
        <StateTag state={statement.data.state} />
      </Descriptions.Item>
      <Descriptions.Item label={t('finApprovedConsumption')}>{formatYuan(s.approvedConsumption)}</Descriptions.Item>
      <Descriptions.Item label={t('finOverspendShare')}>{formatYuan(s.overspendShare)}</Descriptions.Item>
      <Descriptions.Item label={t('finSurplusShare')}>{formatYuan(s.surplusShare)}</Descriptions.Item>
      <Descriptions.Item label={t('finFloorTopUp')}>{formatYuan(s.floorTopUp)}</Descriptions.Item>
      <Descriptions.Item label={t('finDepositWithheld')}>{formatYuan(s.depositWithheld)}</Descriptions.Item>
      <Descriptions.Item label={t('finDepositRelease')}>{formatYuan(s.depositRelease)}</Descriptions.Item>
      <Descriptions.Item label={t('finPaidSoFar')}>{formatYuan(s.paidSoFar)}</Descriptions.Item>
      <Descriptions.Item label={t('finBalanceDue')}>{formatYuan(s.balanceDue)}</Descriptions.Item>
    </Descriptions>
  );
}

/** Year-end statements: the bureau's settlement, the lead unit's community, and each unit's own statement. */
export default function YearEndPage() {
  const { t } = useI18n();
  const me = useMe();
  const today = useToday();
  const institution = useInstitution();
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  // The year being settled is the one before the business year unless another is chosen.
  const year = chosen ?? (today ? Number(today.slice(0, 4)) - 1 : undefined);
  const bureau = me.roles.some((r) => BUREAU_READERS.includes(r));
  const lead = me.roles.includes('LEAD_FINANCE');
  const county = institution.data?.countyCode;
  const community = (institution.data?.communityCode as unknown as string | null | undefined) ?? undefined;
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('finYearEnd')}</h1>}
      extra={
        <Space>
          <label htmlFor="ye-year">{t('finFundYear')}</label>
          <InputNumber id="ye-year" min={2000} max={2100} value={year} onChange={(v) => v && setChosen(v)} />
        </Space>
      }
    >
      {!year || institution.isLoading ? (
        <Spin />
      ) : (
        <>
          {bureau && county && (
            <>
              <h2 style={{ fontSize: 15 }}>{t('finSettlement')}</h2>
              <SettlementSection county={county} year={year} />
            </>
          )}
          {lead && community && (
            <>
              <h2 style={{ fontSize: 15 }}>{t('finStatements')}</h2>
              <CommunitySection community={community} year={year} />
            </>
          )}
          {!bureau && (
            <>
              <h2 style={{ fontSize: 15, marginTop: 16 }}>{t('finOwnStatement')}</h2>
              <UnitSection code={me.institutionCode} year={year} />
            </>
          )}
          {!bureau && !lead && !me.institutionCode && <Empty />}
        </>
      )}
    </Card>
  );
}
