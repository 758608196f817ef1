import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Select, Space, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { Link, useNavigate } from 'react-router-dom';
import { api, call, downloadFile } from '../../api/client';
import type { ChainStatus, ReferralView } from '../../api/views';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf, useCommunityChoice, useToday } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import { useList } from '../../lib/lists';
import { ChainStatusTag } from '../chain';

const CHAIN_STATUSES: ChainStatus[] = ['DRAFT', 'IN_REVIEW', 'RETURNED', 'APPROVED', 'REJECTED', 'WITHDRAWN'];

/** The referral report as GET communities/:code/referral-report answers it. */
interface ReferralReport {
  communityCode: string;
  fundYear: number;
  period: string | null;
  settlements: number;
  matched: number;
  flagged: number;
  flaggedAmount: string;
  reduction: string;
  months: { period: string; settlements: number; matched: number; flagged: number; flaggedAmount: string; reduction: string }[];
  flaggedSettlements: {
    externalId: string;
    period: string;
    hospitalName: string;
    insuredMasked: string;
    stayDate: string;
    fundPaid: string;
    reduction: string;
  }[];
}

interface Recording {
  insuredId: string;
  fromUnitCode: string;
  receivingHospital: string;
  diagnosisCode?: string;
  validFrom: Dayjs;
  validTo: Dayjs;
  reason: string;
}

/** Out-of-county stays of a year (or month) matched with approved referrals: the API's figures. */
function Report({ community, defaultYear }: { community: string; defaultYear?: number }) {
  const { t } = useI18n();
  const [year, setYear] = useState<number | null>(null);
  const [period, setPeriod] = useState<string | undefined>();
  const fundYear = year ?? defaultYear;
  const report = useQuery({
    queryKey: ['referral-report', community, fundYear, period],
    enabled: fundYear !== undefined,
    queryFn: async () =>
      (await call(() =>
        api.GET('/api/v1/communities/{communityCode}/referral-report', {
          params: { path: { communityCode: community }, query: { fundYear: fundYear!, period } },
        }),
      )) as unknown as ReferralReport,
  });
  const r = report.data;
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <label htmlFor="report-year">{t('reportYear')}</label>
        <InputNumber id="report-year" min={2000} max={2100} value={fundYear} onChange={(v) => setYear(v ?? null)} />
        <label htmlFor="report-period">{t('reportPeriod')}</label>
        <Input
          id="report-period"
          allowClear
          style={{ width: 120 }}
          placeholder={fundYear ? `${fundYear}-10` : 'YYYY-MM'}
          onChange={(e) => setPeriod(/^\d{4}-\d{2}$/.test(e.target.value) ? e.target.value : undefined)}
        />
      </Space>
      {report.error && <Alert type="error" role="alert" title={refusalOf(report.error)} />}
      {r && (
        <>
          <Descriptions bordered size="small" column={5} data-testid="referral-report">
            <Descriptions.Item label={t('settlementsCount')}>{r.settlements}</Descriptions.Item>
            <Descriptions.Item label={t('matchedCount')}>{r.matched}</Descriptions.Item>
            <Descriptions.Item label={t('flaggedCount')}>{r.flagged}</Descriptions.Item>
            <Descriptions.Item label={t('flaggedAmount')}>{formatYuan(r.flaggedAmount)}</Descriptions.Item>
            <Descriptions.Item label={t('referralReduction')}>{formatYuan(r.reduction)}</Descriptions.Item>
          </Descriptions>
          {r.months.length > 0 && (
            <Table
              style={{ marginTop: 12 }}
              rowKey="period"
              size="small"
              pagination={false}
              dataSource={r.months}
              columns={[
                { title: t('period'), dataIndex: 'period' },
                { title: t('settlementsCount'), dataIndex: 'settlements', align: 'right' },
                { title: t('matchedCount'), dataIndex: 'matched', align: 'right' },
                { title: t('flaggedCount'), dataIndex: 'flagged', align: 'right' },
                { title: t('flaggedAmount'), dataIndex: 'flaggedAmount', align: 'right', render: (v: string) => formatYuan(v) },
                { title: t('referralReduction'), dataIndex: 'reduction', align: 'right', render: (v: string) => formatYuan(v) },
              ]}
            />
          )}
          {r.flaggedSettlements.length > 0 && (
            <>
              <h3 style={{ fontSize: 15, marginTop: 16 }}>{t('flaggedSettlements')}</h3>
              <Table
                rowKey="externalId"
                size="small"
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                dataSource={r.flaggedSettlements}
                columns={[
                  { title: t('externalId'), dataIndex: 'externalId' },
                  { title: t('period'), dataIndex: 'period' },
                  { title: t('referralHospital'), dataIndex: 'hospitalName' },
                  { title: t('insuredMasked'), dataIndex: 'insuredMasked' },
                  { title: t('stayDate'), dataIndex: 'stayDate' },
                  { title: t('fundPaid'), dataIndex: 'fundPaid', align: 'right', render: (v: string) => formatYuan(v) },
                  { title: t('referralReduction'), dataIndex: 'reduction', align: 'right', render: (v: string) => formatYuan(v) },
                ]}
              />
            </>
          )}
        </>
      )}
    </>
  );
}

/** 县外转诊: a community's referrals, the lead unit records one here; the match report and the register as XLSX. */
export default function ReferralsPage() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const today = useToday();
  const { community, options, choose: setChosen } = useCommunityChoice();
  const [status, setStatus] = useState<ChainStatus | undefined>();
  const [recording, setRecording] = useState(false);
  const [form] = Form.useForm<Recording>();
  const list = useList<ReferralView>(['referrals', community, status], async () =>
    community
      ? ((await call(() =>
          api.GET('/api/v1/communities/{communityCode}/referrals', {
            params: { path: { communityCode: community }, query: { pageSize: 100, status } },
          }),
        )) as unknown as { items: ReferralView[] })
      : { items: [] },
  );
  const record = useMutation({
    mutationFn: async (r: Recording) =>
      (await call(() =>
        api.POST('/api/v1/communities/{communityCode}/referrals', {
          params: { path: { communityCode: community! } },
          body: {
            insuredId: r.insuredId.trim(),
            fromUnitCode: r.fromUnitCode.trim(),
            receivingHospital: r.receivingHospital.trim(),
            diagnosisCode: r.diagnosisCode?.trim() || undefined,
            validFrom: r.validFrom.format('YYYY-MM-DD'),
            validTo: r.validTo.format('YYYY-MM-DD'),
            reason: r.reason.trim(),
          },
        }),
      )) as unknown as ReferralView,
    onSuccess: (r) => {
      setRecording(false);
      void queries.invalidateQueries({ queryKey: ['referrals'] });
      void navigate(`/referrals/${r.id}`);
    },
  });
  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('referrals')}</h1>}
      extra={
        <Space>
          <label htmlFor="referral-community">{t('community')}</label>
          <Select id="referral-community" style={{ minWidth: 240 }} value={community} options={options} onChange={setChosen} />
          <Button
            disabled={!community}
            onClick={() => void downloadFile(`/api/v1/communities/${community}/referrals/export.xlsx`, `${community}-县外转诊登记簿.xlsx`)}
          >
            {t('downloadXlsx')}
          </Button>
          {me.roles.includes('LEAD_FINANCE') && (
            <Button
              type="primary"
              disabled={!community}
              onClick={() => {
                record.reset();
                form.resetFields();
                setRecording(true);
              }}
            >
              {t('newReferral')}
            </Button>
          )}
        </Space>
      }
    >
      <Space style={{ marginBottom: 12 }}>
        <label htmlFor="referral-status">{t('chainStatus')}</label>
        <Select<ChainStatus>
          id="referral-status"
          allowClear
          style={{ width: 160 }}
          value={status}
          onChange={setStatus}
          options={CHAIN_STATUSES.map((s) => ({ value: s, label: <ChainStatusTag status={s} /> }))}
        />
      </Space>
      {list.error && <Alert type="error" role="alert" title={refusalOf(list.error)} />}
      <Table<ReferralView>
        rowKey="id"
        data-testid="referrals"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '#', dataIndex: 'id', render: (id: number) => <Link to={`/referrals/${id}`}>#{id}</Link> },
          { title: t('insuredMasked'), dataIndex: 'insuredMasked' },
          { title: t('fromUnit'), dataIndex: 'fromUnitCode' },
          { title: t('receivingHospital'), dataIndex: 'receivingHospital' },
          { title: t('validFrom'), dataIndex: 'validFrom' },
          { title: t('validTo'), dataIndex: 'validTo' },
          { title: t('chainStatus'), key: 'status', render: (_: unknown, r) => <ChainStatusTag status={r.chain.status} /> },
          { title: t('recordedBy'), dataIndex: 'recordedBy' },
          { title: t('createdAt'), dataIndex: 'createdAt', render: (d: string) => formatDate(d) },
        ]}
      />
      {community && (
        <>
          <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('referralReport')}</h2>
          <Report key={community} community={community} defaultYear={today ? Number(today.slice(0, 4)) : undefined} />
        </>
      )}
      <Modal
        title={t('newReferral')}
        open={recording}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={record.isPending}
        onCancel={() => setRecording(false)}
        onOk={() => void form.validateFields().then((v) => record.mutate(v))}
        forceRender
        width={560}
      >
        {record.error && <Alert type="error" role="alert" title={refusalOf(record.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} name="referral-new" layout="vertical">
          <Form.Item label={t('insuredId')} name="insuredId" rules={required}>
            <Input maxLength={32} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('fromUnit')} name="fromUnitCode" rules={required}>
            <Input placeholder="WS-RMYY" />
          </Form.Item>
          <Form.Item label={t('receivingHospital')} name="receivingHospital" rules={required}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={t('diagnosisCode')} name="diagnosisCode">
            <Input placeholder="C34.9" />
          </Form.Item>
          <Space>
            <Form.Item label={t('validFrom')} name="validFrom" rules={[{ required: true, message: t('dateRequired') }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item label={t('validTo')} name="validTo" rules={[{ required: true, message: t('dateRequired') }]}>
              <DatePicker />
            </Form.Item>
          </Space>
          <Form.Item label={t('referralReason')} name="reason" rules={required}>
            <Input.TextArea maxLength={2000} rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
