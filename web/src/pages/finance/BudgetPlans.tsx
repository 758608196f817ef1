import { Alert, Button, Card, Table } from 'antd';
import { useNavigate } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatYuan } from '../../lib/format';
import { useList } from '../../lib/lists';
import { formatRatio, StateTag, useYearAndCommunity, YearCommunityPicker, type BudgetPlanView, FinLink } from './shared';

/** The community's budget plans of a fund year, every version; the lead unit drafts the next one here. */
export default function BudgetPlansPage() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const scope = useYearAndCommunity();
  const { year, community } = scope;
  const plans = useList<BudgetPlanView>(['budget-plans', community, year], async () =>
    community && year
      ? ((await call(() =>
          api.GET('/api/v1/budget-plans', { params: { query: { communityCode: community, fundYear: year, pageSize: 100 } } } as never),
        )) as unknown as { items: BudgetPlanView[] })
      : { items: [] },
  );
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('finBudgetPlans')}</h1>}
      extra={
        <>
          <YearCommunityPicker state={scope} />{' '}
          {me.roles.includes('LEAD_FINANCE') && (
            <Button type="primary" onClick={() => void navigate(`/finance/budget-plans/new?fundYear=${year ?? ''}`)}>
              {t('finNewPlan')}
            </Button>
          )}
        </>
      }
    >
      {plans.error && <Alert type="error" role="alert" title={refusalOf(plans.error)} />}
      <Table<BudgetPlanView>
        rowKey="id"
        loading={plans.isLoading}
        dataSource={plans.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('finPlan'), dataIndex: 'id', render: (id: number) => <FinLink to={`/finance/budget-plans/${id}`}>#{id}</FinLink> },
          { title: t('finFundYear'), dataIndex: 'fundYear' },
          { title: t('finDocumentVersion'), dataIndex: 'documentVersion' },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <StateTag state={s} /> },
          { title: t('finEffectivePackage'), dataIndex: 'communityPackage', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('finPrimaryTotal'), dataIndex: 'primaryTotal', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('finPrimaryShare'), dataIndex: 'primaryShare', align: 'right', render: (v: string) => formatRatio(v) },
          { title: t('finCreatedBy'), dataIndex: 'createdBy' },
        ]}
      />
    </Card>
  );
}
