import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useI18n, type I18nKey } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatDate } from '../../lib/format';
import { read, useCountyYear } from './api';
import type { PolicyParametersVersion, PolicyParametersView } from './views';

const SOURCE: Record<PolicyParametersView['source'], I18nKey> = {
  saved: 'buSourceSaved',
  'previous-year': 'buSourcePreviousYear',
  default: 'buSourceDefault',
};

/** What changed from one version to the one before it (the values as the API holds them). */
function changes(version: PolicyParametersVersion, previous: PolicyParametersVersion | undefined): [string, string | undefined, string][] {
  return Object.entries(version.values)
    .filter(([k, v]) => !previous || previous.values[k] !== v)
    .map(([k, v]) => [k, previous?.values[k], v]);
}

/** The county's rates and thresholds for a fund year, each save a new version, with every version kept. */
export default function PolicyParametersPage() {
  const { t, code } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const { county, fundYear: currentYear } = useCountyYear();
  const [chosenYear, setChosenYear] = useState<number | null>(null);
  const fundYear = chosenYear ?? currentYear;
  const [form] = Form.useForm<Record<string, string>>();
  const editable = me.roles.some((r) => r === 'BUREAU_CLERK' || r === 'BUREAU_APPROVER');
  const path = { countyCode: county!, fundYear: fundYear! };
  const current = useQuery({
    queryKey: ['policy-parameters', county, fundYear],
    enabled: !!county && !!fundYear,
    queryFn: () =>
      read<PolicyParametersView>(() => api.GET('/api/v1/counties/{countyCode}/policy-parameters/{fundYear}', { params: { path } })),
  });
  const versions = useQuery({
    queryKey: ['policy-parameters', county, fundYear, 'versions'],
    enabled: !!county && !!fundYear,
    queryFn: async () =>
      (
        await read<{ items: PolicyParametersVersion[] }>(() =>
          api.GET('/api/v1/counties/{countyCode}/policy-parameters/{fundYear}/versions', { params: { path, query: { pageSize: 500 } } }),
        )
      ).items,
  });
  const save = useMutation({
    mutationFn: (values: Record<string, string>) => {
      const changed = Object.fromEntries(
        Object.entries(values)
          .filter(([k, v]) => String(v).trim() !== current.data!.values[k])
          .map(([k, v]) => [k, String(v).trim()]),
      );
      return read<PolicyParametersView>(() =>
        api.PUT('/api/v1/counties/{countyCode}/policy-parameters/{fundYear}', {
          params: { path },
          body: { version: current.data!.version, ...changed },
        }),
      );
    },
    onSuccess: () => {
      void message.success(t('done'));
      void queries.invalidateQueries({ queryKey: ['policy-parameters'] });
    },
  });
  const p = current.data;
  const rows = p ? Object.entries(p.values).map(([name, value]) => ({ name, value })) : [];
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('buPolicyParameters')}</h1>}
      extra={
        <Space>
          <Link to="/calendar">{t('buCalendar')}</Link>
          <InputNumber aria-label={t('fundYear')} min={2000} max={2100} value={fundYear} onChange={(v) => v && setChosenYear(v)} />
        </Space>
      }
    >
      {(current.error ?? save.error) && (
        <Alert type="error" role="alert" title={refusalOf(current.error ?? save.error)} style={{ marginBottom: 16 }} />
      )}
      {p && (
        <Space style={{ marginBottom: 12 }}>
          <span>
            {t('version')}: <strong data-testid="parameters-version">{p.version}</strong>
          </span>
          <Tag>{t(SOURCE[p.source])}</Tag>
        </Space>
      )}
      <Form form={form} key={`${fundYear}-${p?.version}`} initialValues={p?.values} onFinish={(v) => save.mutate(v)} disabled={!editable}>
        <Table
          rowKey="name"
          size="small"
          loading={current.isLoading}
          dataSource={rows}
          pagination={false}
          columns={[
            { title: t('buParameter'), dataIndex: 'name', render: (n: string) => code(n) },
            { title: t('buKey'), dataIndex: 'name', render: (n: string) => <Typography.Text code>{n}</Typography.Text> },
            {
              title: t('buValue'),
              dataIndex: 'value',
              render: (_: string, r) => (
                <Form.Item name={r.name} style={{ margin: 0 }} rules={[{ required: true, whitespace: true, message: t('required') }]}>
                  <Input aria-label={code(r.name)} style={{ maxWidth: 160 }} data-testid={`parameter-${r.name}`} />
                </Form.Item>
              ),
            },
          ]}
        />
        {editable && (
          <Button type="primary" htmlType="submit" loading={save.isPending} style={{ marginTop: 12 }} disabled={!p}>
            {t('buSaveParameters')}
          </Button>
        )}
      </Form>
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('buVersions')}</h2>
      <Table<PolicyParametersVersion>
        rowKey="version"
        size="small"
        data-testid="parameter-versions"
        loading={versions.isLoading}
        dataSource={versions.data ?? []}
        locale={{ emptyText: <span style={{ color: 'rgba(0, 0, 0, 0.7)' }}>{t('buNoVersions')}</span> }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('version'), dataIndex: 'version' },
          { title: t('buChangedBy'), dataIndex: 'changedBy' },
          { title: t('buChangedAt'), dataIndex: 'changedAt', render: (d: string) => formatDate(d) },
          {
            title: t('buChangedValues'),
            key: 'changes',
            render: (_: unknown, v, i) => {
              const list = versions.data ?? [];
              const diff = changes(v, list[i + 1]);
              return list[i + 1]
                ? diff.map(([k, before, after]) => (
                    <div key={k}>
                      {code(k)}: {before ?? '—'} → {after}
                    </div>
                  ))
                : '—';
            },
          },
        ]}
      />
    </Card>
  );
}
