import { Alert, Button, Card, Space, Spin, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call, downloadFile } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatYuan } from '../../lib/format';
import { FIGURE_COLUMNS, type UnitStatement } from './shared';

type Row = Partial<UnitStatement> & { key: string; label: string };

/**
 * Every unit's statement of a declaration, then the units' totals and the declaration's own
 * figures: the API computes both; the page shows them side by side so they can be compared.
 */
export default function DeclarationStatementsPage() {
  const id = Number(useParams().id);
  const { t, code } = useI18n();
  const all = useQuery({
    queryKey: ['declaration-statements', id],
    queryFn: () => call(() => api.GET('/api/v1/declarations/{id}/statements', { params: { path: { id } } })),
  });
  if (all.isLoading) return <Spin />;
  if (all.error || !all.data) return <Alert type="error" title={refusalOf(all.error) ?? 'error'} />;
  const d = all.data;
  const rows: Row[] = [
    ...d.units.map((u) => ({ ...u, key: `unit-${u.claimId}`, label: u.institutionCode })),
    { ...d.totals, key: 'totals', label: t('stmTotals') },
    { ...d.declaration, key: 'declaration', label: t('stmDeclarationRow') },
  ];
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('stmStatements')} · {d.communityCode} · {d.period} · {code(d.state)}
        </h1>
      }
      extra={
        <Space>
          <Button
            onClick={() => void downloadFile(`/api/v1/declarations/${id}/statements.xlsx`, `${d.communityCode}-${d.period}-结算单.xlsx`)}
          >
            {t('stmXlsx')}
          </Button>
          <Link to="/statements">{t('back')}</Link>
        </Space>
      }
    >
      <Table<Row>
        rowKey="key"
        size="small"
        pagination={false}
        scroll={{ x: true }}
        dataSource={rows}
        columns={[
          {
            title: t('stmUnit'),
            dataIndex: 'label',
            fixed: 'left',
            render: (label: string, r: Row) =>
              r.claimId ? <Link to={`/statements/claims/${r.claimId}`}>{label}</Link> : <strong>{label}</strong>,
          },
          ...FIGURE_COLUMNS.map(([key, label]) => ({
            title: t(label),
            key,
            align: 'right' as const,
            render: (_: unknown, r: Row) => <span data-figure={key}>{r[key] === undefined ? '—' : formatYuan(r[key] as string)}</span>,
          })),
          {
            title: t('stmAnswer'),
            key: 'answer',
            render: (_: unknown, r: Row) => (r.claimId ? (r.response ? code(r.response.response) : t('stmNotAnswered')) : null),
          },
        ]}
      />
    </Card>
  );
}
