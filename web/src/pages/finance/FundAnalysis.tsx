import { useEffect } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, Space, Spin, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { api, call, downloadFile } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import type { FundAnalysisSummary } from './FundAnalyses';
import { formatRatio, StateTag, FinLink } from './shared';

interface FlowCount {
  visits: number | null;
  admissions: number;
}

interface FundAnalysisView extends FundAnalysisSummary {
  communityName: string;
  summary: string | null;
  risks: string | null;
  measures: string | null;
  content: {
    periods: { from: string; to: string };
    patientFlow: {
      inTownship: FlowCount;
      countyHospitals: FlowCount;
      inCounty: FlowCount;
      outOfCounty: FlowCount;
      inCountyAdmissionRate: string | null;
      outsideTownshipAdmissions: number;
    };
    fundFlow: {
      byUnit: { unitCode: string; unitName: string; primary: boolean; visits: number; admissions: number; approved: string }[];
      byCategory: { category: string; label: string; amount: string; share: string | null }[];
      inCounty: string;
      outOfCounty: string;
      total: string;
      outOfCountyShare: string | null;
      primary: string;
    };
    risk: {
      elapsedMonths: number;
      communityPackage: string | null;
      burn: null | {
        expenditure: string;
        budgetToDate: string;
        burnRatio: string;
        level: string;
        projectedExpenditure: string;
        projectedOverspend: string;
        primaryShareToDate: string;
        projectedPrimaryShare: string;
      };
    };
    yearOnYear: {
      previousFundYear: number;
      available: boolean;
      items: { item: string; label: string; current: string; previous: string | null; change: string | null; changeRate: string | null }[];
    };
  };
}

interface Narrative {
  summary?: string;
  risks?: string;
  measures?: string;
}

/** A figure of the year-on-year table: money where the API sends yuan text, a count otherwise. */
function figure(value: string | null, item: string): string {
  if (value === null) return '—';
  return /amount|approved|expenditure|funds|paid|package/i.test(item) && /^-?\d+\.\d{2}$/.test(value) ? formatYuan(value) : value;
}

/** One quarterly fund analysis: the API's figures, the lead unit's commentary (editable in draft), submit and XLSX export. */
export default function FundAnalysisPage() {
  const id = Number(useParams().id);
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [form] = Form.useForm<Narrative>();
  const analysis = useQuery({
    queryKey: ['fund-analysis', id],
    queryFn: async () =>
      (await call(() => api.GET('/api/v1/fund-analyses/{id}', { params: { path: { id } } } as never))) as unknown as FundAnalysisView,
  });
  const a = analysis.data;
  useEffect(() => {
    if (a) form.setFieldsValue({ summary: a.summary ?? '', risks: a.risks ?? '', measures: a.measures ?? '' });
  }, [a, form]);
  const done = () => {
    void queries.invalidateQueries({ queryKey: ['fund-analysis', id] });
    void queries.invalidateQueries({ queryKey: ['fund-analyses'] });
    void message.success(t('done'));
  };
  const save = useMutation({
    mutationFn: (n: Narrative) =>
      call(() =>
        api.PATCH('/api/v1/fund-analyses/{id}', {
          params: { path: { id } },
          body: {
            version: a!.version,
            summary: n.summary?.trim() || null,
            risks: n.risks?.trim() || null,
            measures: n.measures?.trim() || null,
          },
        } as never),
      ),
    onSuccess: done,
  });
  const submit = useMutation({
    mutationFn: () =>
      call(() => api.POST('/api/v1/fund-analyses/{id}/submit', { params: { path: { id } }, body: { version: a!.version } } as never)),
    onSuccess: done,
  });
  const exporting = useMutation({
    mutationFn: () => downloadFile(`/api/v1/fund-analyses/${id}/export.xlsx`, `fund-analysis-${id}.xlsx`),
  });
  if (analysis.isLoading) return <Spin />;
  if (analysis.error || !a) return <Alert type="error" role="alert" title={refusalOf(analysis.error) ?? 'error'} />;
  const c = a.content;
  const editable = a.allowedActions.includes('edit');
  const error = save.error ?? submit.error ?? exporting.error;
  const flow = (f: FlowCount) => `${f.visits ?? '—'} / ${f.admissions}`;
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('finAnalysis')} · {a.communityName} · {a.fundYear} Q{a.quarter}
        </h1>
      }
      extra={<FinLink to="/finance/fund-analyses">{t('back')}</FinLink>}
    >
      {error && <Alert type="error" role="alert" title={refusalOf(error)} style={{ marginBottom: 16 }} />}
      <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }}>
        <Descriptions.Item label={t('state')}>
          <StateTag state={a.state} />
        </Descriptions.Item>
        <Descriptions.Item label={t('period')}>
          {c.periods.from} — {c.periods.to}
        </Descriptions.Item>
        <Descriptions.Item label={t('finRefreshedAt')}>{formatDate(a.refreshedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('finTotal')}>{formatYuan(c.fundFlow.total)}</Descriptions.Item>
        <Descriptions.Item label={t('finInCounty')}>{formatYuan(c.fundFlow.inCounty)}</Descriptions.Item>
        <Descriptions.Item label={code('OUT_OF_COUNTY')}>{formatYuan(c.fundFlow.outOfCounty)}</Descriptions.Item>
        <Descriptions.Item label={t('finPrimaryTotal')}>{formatYuan(c.fundFlow.primary)}</Descriptions.Item>
        <Descriptions.Item label={t('finEffectivePackage')}>{formatYuan(c.risk.communityPackage)}</Descriptions.Item>
        <Descriptions.Item label={t('finBurnRatio')}>{c.risk.burn?.burnRatio ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('finExpenditure')}>{formatYuan(c.risk.burn?.expenditure)}</Descriptions.Item>
        <Descriptions.Item label={t('finProjected')}>{formatYuan(c.risk.burn?.projectedExpenditure)}</Descriptions.Item>
        <Descriptions.Item label={t('finProjectedPrimaryShare')}>{formatRatio(c.risk.burn?.projectedPrimaryShare)}</Descriptions.Item>
        <Descriptions.Item label={t('finPatientFlow')}>
          {flow(c.patientFlow.inTownship)} · {flow(c.patientFlow.countyHospitals)} · {flow(c.patientFlow.outOfCounty)}
        </Descriptions.Item>
        <Descriptions.Item label={t('finInCountyRate')}>{formatRatio(c.patientFlow.inCountyAdmissionRate)}</Descriptions.Item>
      </Descriptions>

      <h2 style={{ fontSize: 15, marginTop: 16 }}>{t('finContent')}</h2>
      <Table
        rowKey="category"
        size="small"
        pagination={false}
        dataSource={c.fundFlow.byCategory}
        columns={[
          { title: t('finCategory'), dataIndex: 'label' },
          { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('finCategoryShare'), dataIndex: 'share', align: 'right', render: (v: string | null) => formatRatio(v) },
        ]}
      />
      {c.fundFlow.byUnit.length > 0 && (
        <Table
          style={{ marginTop: 12 }}
          rowKey="unitCode"
          size="small"
          pagination={false}
          dataSource={c.fundFlow.byUnit}
          columns={[
            { title: t('finUnit'), dataIndex: 'unitName', render: (v: string, u) => `${v} (${u.unitCode})` },
            { title: t('finVisits'), dataIndex: 'visits', align: 'right' },
            { title: t('finAdmissions'), dataIndex: 'admissions', align: 'right' },
            { title: t('approved'), dataIndex: 'approved', align: 'right', render: (v: string) => formatYuan(v) },
          ]}
        />
      )}
      {c.yearOnYear.available && (
        <Table
          style={{ marginTop: 12 }}
          rowKey="item"
          size="small"
          pagination={false}
          dataSource={c.yearOnYear.items}
          columns={[
            { title: String(c.yearOnYear.previousFundYear), dataIndex: 'label' },
            { title: a.fundYear, dataIndex: 'current', align: 'right', render: (v: string, r) => figure(v, r.item) },
            {
              title: c.yearOnYear.previousFundYear,
              dataIndex: 'previous',
              align: 'right',
              render: (v: string | null, r) => figure(v, r.item),
            },
            { title: '±', dataIndex: 'changeRate', align: 'right', render: (v: string | null) => formatRatio(v) },
          ]}
        />
      )}

      <Form form={form} layout="vertical" style={{ marginTop: 16 }} disabled={!editable} onFinish={(v) => save.mutate(v)}>
        <Form.Item label={t('finSummary')} name="summary">
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
        <Form.Item label={t('finRisks')} name="risks">
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
        <Form.Item label={t('finMeasures')} name="measures">
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
      </Form>
      <Space>
        {editable && (
          <Button loading={save.isPending} onClick={() => form.submit()}>
            {t('finSave')}
          </Button>
        )}
        {a.allowedActions.includes('submit') && (
          <Button type="primary" loading={submit.isPending} onClick={() => submit.mutate()}>
            {t('finAct_submit')}
          </Button>
        )}
        <Button loading={exporting.isPending} onClick={() => exporting.mutate()}>
          {t('finExport')}
        </Button>
      </Space>
    </Card>
  );
}
