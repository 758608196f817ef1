import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Input, InputNumber, Select, Space, Spin, Switch, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf, useInstitution, useToday } from '../../lib/context';
import { formatDate } from '../../lib/format';

interface Rule {
  id: string;
  name: string;
  severity: 'VIOLATION' | 'SUSPICIOUS';
  enabled: boolean;
  params: Record<string, number>;
}

interface RuleSet {
  county: string;
  version: number;
  effectiveFrom: string | null;
  savedBy: string | null;
  savedAt: string | null;
  rules: Rule[];
  parameterBounds: Record<string, Record<string, { default: number; min: number; max: number }>>;
  allowedActions: 'save'[];
}

interface Version {
  version: number;
  effectiveFrom: string;
  savedBy: string;
  savedAt: string;
  rules: Rule[];
}

/**
 * The county's review rules (智能审核): each rule's name, severity, whether it runs, and its
 * thresholds. The bureau saves a new version in force from a date; every version stays listed.
 */
export default function RuleSetPage() {
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const institution = useInstitution();
  const today = useToday();
  const county = (institution.data?.countyCode as unknown as string | undefined) ?? null;
  const set = useQuery({
    queryKey: ['review-rules', county],
    enabled: county !== null,
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/counties/{countyCode}/review-rules', { params: { path: { countyCode: county! } } }),
      )) as unknown as RuleSet,
  });
  const versions = useQuery({
    queryKey: ['review-rules', county, 'versions'],
    enabled: county !== null,
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/counties/{countyCode}/review-rules/versions', {
          params: { path: { countyCode: county! }, query: { pageSize: 50 } },
        }),
      )) as unknown as { items: Version[] },
  });
  const [rules, setRules] = useState<Rule[]>([]);
  const [effectiveFrom, setEffectiveFrom] = useState('');
  useEffect(() => {
    if (set.data) setRules(set.data.rules);
  }, [set.data]);
  useEffect(() => {
    if (today && !effectiveFrom) setEffectiveFrom(today);
  }, [today, effectiveFrom]);
  const save = useMutation({
    mutationFn: () =>
      call(() =>
        api.PUT('/api/v1/counties/{countyCode}/review-rules', {
          params: { path: { countyCode: county! } },
          body: { version: set.data!.version, effectiveFrom, rules: rules.map((r) => ({ ...r })) },
        }),
      ),
    onSuccess: () => {
      void message.success(t('rulSaved'));
      void queries.invalidateQueries({ queryKey: ['review-rules', county] });
    },
  });
  if (!set.data) return <Spin />;
  const s = set.data;
  const editable = s.allowedActions.includes('save');
  const change = (id: string, patch: Partial<Rule>) => setRules((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const refusal = refusalOf(save.error);
  return (
    <Card title={t('rulRuleSet')} data-testid="rule-set">
      {refusal && <Alert type="error" role="alert" title={refusal} style={{ marginBottom: 12 }} />}
      <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('rulVersion')}>{s.version === 0 ? t('rulDefaults') : s.version}</Descriptions.Item>
        <Descriptions.Item label={t('rulEffectiveFrom')}>{formatDate(s.effectiveFrom)}</Descriptions.Item>
        <Descriptions.Item label={t('rulSavedBy')}>{s.savedBy ?? ''}</Descriptions.Item>
      </Descriptions>
      <Table<Rule>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={rules}
        columns={[
          {
            title: t('rulName'),
            dataIndex: 'name',
            render: (name: string, r) =>
              editable ? (
                <Input
                  aria-label={`${t('rulName')} ${r.id}`}
                  value={name}
                  maxLength={64}
                  onChange={(e) => change(r.id, { name: e.target.value })}
                />
              ) : (
                name
              ),
          },
          { title: t('rulRule'), dataIndex: 'id' },
          {
            title: t('rulSeverity'),
            dataIndex: 'severity',
            render: (v: Rule['severity'], r) =>
              editable ? (
                <Select
                  aria-label={`${t('rulSeverity')} ${r.id}`}
                  style={{ width: 120 }}
                  value={v}
                  onChange={(severity: Rule['severity']) => change(r.id, { severity })}
                  options={(['VIOLATION', 'SUSPICIOUS'] as const).map((x) => ({ value: x, label: code(x) }))}
                />
              ) : (
                code(v)
              ),
          },
          {
            title: t('rulEnabled'),
            dataIndex: 'enabled',
            render: (v: boolean, r) => (
              <Switch
                aria-label={`${t('rulEnabled')} ${r.id}`}
                checked={v}
                disabled={!editable}
                onChange={(enabled) => change(r.id, { enabled })}
              />
            ),
          },
          {
            title: t('rulParameters'),
            key: 'params',
            render: (_: unknown, r) => (
              <Space direction="vertical" size={4}>
                {Object.entries(s.parameterBounds[r.id] ?? {}).map(([name, b]) => (
                  <Space key={name}>
                    <label htmlFor={`param-${r.id}-${name}`}>{code(name)}</label>
                    <InputNumber
                      id={`param-${r.id}-${name}`}
                      min={b.min}
                      max={b.max}
                      value={r.params[name]}
                      disabled={!editable}
                      onChange={(v) => v !== null && change(r.id, { params: { ...r.params, [name]: Number(v) } })}
                    />
                  </Space>
                ))}
              </Space>
            ),
          },
        ]}
      />
      {editable && (
        <Space style={{ marginTop: 16 }}>
          <label htmlFor="rule-set-effective">{t('rulEffectiveFrom')}</label>
          <Input
            id="rule-set-effective"
            style={{ width: 140 }}
            value={effectiveFrom}
            onChange={(e) => setEffectiveFrom(e.target.value.trim())}
          />
          <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
            {t('rulSave')}
          </Button>
        </Space>
      )}
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('rulVersions')}</h2>
      <Table<Version>
        rowKey="version"
        size="small"
        pagination={false}
        dataSource={versions.data?.items ?? []}
        columns={[
          { title: t('rulVersion'), dataIndex: 'version' },
          { title: t('rulEffectiveFrom'), dataIndex: 'effectiveFrom', render: (v: string) => formatDate(v) },
          { title: t('rulSavedBy'), dataIndex: 'savedBy' },
          {
            title: t('rulParameters'),
            key: 'p',
            render: (_: unknown, v) => v.rules.map((r) => `${r.id}${r.enabled ? '' : '×'} ${JSON.stringify(r.params)}`).join('；'),
          },
        ]}
      />
    </Card>
  );
}
