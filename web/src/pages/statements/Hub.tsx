import { Card, Empty, Space, Table } from 'antd';
import { Link } from 'react-router-dom';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { formatDate, formatYuan } from '../../lib/format';
import { useList } from '../../lib/lists';
import { ClaimStateTag } from '../claimState';
import { READS_DECLARATIONS, SAMPLES, type Claim } from './shared';

type Declaration = Schemas['DeclarationResponse'];

/**
 * Where a caller reaches the statements (结算单), the samples (抽样审核) and the returns for
 * correction (退回补正): the claims in its scope and, for the lead unit and the bureau, the
 * declarations. Each link is shown where the claim's state (as the API sends it) leads somewhere.
 */
export default function StatementsHubPage() {
  const { t, code } = useI18n();
  const me = useMe();
  const claims = useList<Claim>(['member-claims', 'statements-hub'], () =>
    call(() => api.GET('/api/v1/member-claims', { params: { query: { pageSize: 100 } } })),
  );
  const readsDeclarations = me.roles.some((r) => READS_DECLARATIONS.includes(r));
  const samples = me.roles.some((r) => SAMPLES.includes(r));
  const declarations = useList<Declaration>(['declarations', 'statements-hub', readsDeclarations], () =>
    readsDeclarations ? call(() => api.GET('/api/v1/declarations', { params: { query: { pageSize: 100 } } })) : Promise.resolve([]),
  );
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('stmHubTitle')}</h1>}>
      <h2 style={{ fontSize: 16 }}>{t('stmClaims')}</h2>
      <Table<Claim>
        rowKey="id"
        size="small"
        loading={claims.isLoading}
        dataSource={claims.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        locale={{ emptyText: <Empty description={t('empty')} /> }}
        columns={[
          { title: '#', dataIndex: 'id', render: (id: number) => `#${id}` },
          { title: t('stmUnit'), dataIndex: 'institutionCode' },
          { title: t('period'), dataIndex: 'period' },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <ClaimStateTag state={s} /> },
          { title: t('stmClaimedAmt'), dataIndex: 'claimed', align: 'right', render: (a: string) => formatYuan(a) },
          { title: t('stmReturns'), dataIndex: 'returns', align: 'right' },
          {
            title: t('actions'),
            key: 'links',
            render: (_: unknown, c: Claim) => (
              <Space wrap>
                {c.declarationId !== null && (
                  <Link to={`/statements/claims/${c.id}`} aria-label={`${t('stmStatement')} #${c.id}`}>
                    {t('stmStatement')}
                  </Link>
                )}
                {(c.state === 'SUBMITTED' || c.state === 'RETURNED' || c.returns > 0) && (
                  <Link to={`/statements/claims/${c.id}/correction`} aria-label={`${t('stmCorrection')} #${c.id}`}>
                    {c.state === 'RETURNED' ? code('RETURNED') : t('stmCorrection')}
                  </Link>
                )}
                {samples && c.state === 'SUBMITTED' && (
                  <Link to={`/statements/claims/${c.id}/sample`} aria-label={`${t('stmSample')} #${c.id}`}>
                    {t('stmSample')}
                  </Link>
                )}
              </Space>
            ),
          },
        ]}
      />
      {readsDeclarations && (
        <>
          <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('stmDeclarations')}</h2>
          <Table<Declaration>
            rowKey="id"
            size="small"
            loading={declarations.isLoading}
            dataSource={declarations.data?.items ?? []}
            pagination={{ pageSize: 20 }}
            locale={{ emptyText: <Empty description={t('empty')} /> }}
            columns={[
              { title: '#', dataIndex: 'id', render: (id: number) => `#${id}` },
              { title: t('community'), dataIndex: 'communityCode' },
              { title: t('period'), dataIndex: 'period' },
              { title: t('state'), dataIndex: 'state', render: (s: string) => code(s) },
              { title: t('stmDeclaredOn'), dataIndex: 'declaredOn', render: (d: string) => formatDate(d) },
              { title: t('stmApproved'), dataIndex: 'approved', align: 'right', render: (a: string) => formatYuan(a) },
              {
                title: t('actions'),
                key: 'links',
                render: (_: unknown, d: Declaration) => (
                  <Space wrap>
                    <Link to={`/statements/declarations/${d.id}`} aria-label={`${t('stmStatements')} #${d.id}`}>
                      {t('stmStatements')}
                    </Link>
                    {d.state === 'DECLARED' && me.roles.includes('BUREAU_CLERK') && (
                      <Link to={`/statements/declarations/${d.id}/sample`} aria-label={`${t('stmSample')} #${d.id}`}>
                        {t('stmSample')}
                      </Link>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
