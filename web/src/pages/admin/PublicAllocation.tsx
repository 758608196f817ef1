import { Alert, Button, Card, Descriptions, Layout, Spin, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { matchPath, useLocation } from 'react-router-dom';
import { api, ApiCallError, type ApiError, type Schemas } from '../../api/client';
import { useI18n, type I18nKey } from '../../app/i18n';
import { formatDate, formatYuan } from '../../lib/format';

/** The published figures as GET /public/allocations/:countyCode/:fundYear answers them. */
type Publication = Schemas['PublishedAllocationResponse'];

/** The published figures in the order of the allocation (SPEC §3), each with its label. */
const FIGURES: [keyof Publication['figures'], I18nKey][] = [
  ['raisedTotal', 'pubRaisedTotal'],
  ['adjustmentReserve', 'pubAdjustmentReserve'],
  ['criticalIllnessFund', 'pubCriticalIllnessFund'],
  ['netBase', 'pubNetBase'],
  ['communityBaseShare', 'pubCommunityBaseShare'],
  ['increasePool', 'pubIncreasePool'],
  ['communityIncrease', 'pubCommunityIncrease'],
  ['communityPackage', 'pubCommunityPackage'],
  ['privatePool', 'pubPrivatePool'],
];

/** Where the notice is (registered in the admin area's public screens). */
export const PUBLIC_PATH = '/public/:countyCode/:fundYear';

/** 公示: a county's published allocation, open to anyone without signing in. */
export default function PublicAllocationPage() {
  // Public screens are rendered outside the console's routes, so the path is read here.
  const { pathname } = useLocation();
  const { countyCode = '', fundYear = '' } = matchPath(PUBLIC_PATH, pathname)?.params ?? {};
  const { t, language, setLanguage } = useI18n();
  const year = Number(fundYear);
  const publication = useQuery({
    queryKey: ['public-allocation', countyCode, year],
    queryFn: async () => {
      const res = await api.GET('/api/v1/public/allocations/{countyCode}/{fundYear}', {
        params: { path: { countyCode, fundYear: year } },
      });
      if (!res.response.ok) throw new ApiCallError(res.response.status, res.error as ApiError | undefined);
      return res.data as unknown as Publication;
    },
    enabled: Number.isInteger(year),
  });
  const p = publication.data;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', background: '#1d4f91' }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 16 }}>
          {t('appName')}
        </Typography.Text>
        <div style={{ flex: 1 }} />
        <Button size="small" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>
          {t('language')}
        </Button>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <main>
          <Card
            title={
              <h1 style={{ fontSize: 18, margin: 0 }}>
                {t('publicTitle')} · {countyCode} · {fundYear}
              </h1>
            }
          >
            {publication.isLoading && <Spin />}
            {publication.error && (
              <Alert
                type="warning"
                role="alert"
                title={(publication.error as ApiCallError).status === 404 ? t('publicNotFound') : publication.error.message}
              />
            )}
            {p && (
              <>
                <Descriptions bordered size="small" column={3} data-testid="publication">
                  <Descriptions.Item label={t('publicCountyYear')}>
                    {p.countyCode} · {p.fundYear}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('documentVersion')}>{p.documentVersion}</Descriptions.Item>
                  <Descriptions.Item label={t('publishedAt')}>{formatDate(p.publishedAt)}</Descriptions.Item>
                </Descriptions>
                <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('pubFigures')}</h2>
                <Descriptions bordered size="small" column={1} data-testid="public-figures" labelStyle={{ width: 280 }}>
                  {FIGURES.filter(([key]) => p.figures[key] !== undefined).map(([key, label]) => (
                    <Descriptions.Item key={key} label={t(label)}>
                      {formatYuan(p.figures[key])}
                    </Descriptions.Item>
                  ))}
                </Descriptions>
                <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('pubPackages')}</h2>
                <Table
                  rowKey="communityCode"
                  size="small"
                  pagination={false}
                  data-testid="public-packages"
                  dataSource={p.communities}
                  columns={[
                    { title: t('community'), dataIndex: 'communityCode' },
                    { title: t('regName'), dataIndex: 'communityName' },
                    { title: t('pubPackage'), dataIndex: 'package', align: 'right', render: (v: string) => formatYuan(v) },
                  ]}
                />
              </>
            )}
          </Card>
        </main>
      </Layout.Content>
    </Layout>
  );
}
