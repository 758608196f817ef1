import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Space, Spin, Table, Tag, Typography } from 'antd';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, downloadFile } from '../../api/client';
import { useI18n, type I18nKey } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import { read, useCommunities, useCountyYear } from './api';
import { MakerChecker } from './MakerChecker';
import {
  ALLOCATION_FIGURES,
  ALLOCATION_INPUTS,
  type AllocationFigures,
  type AllocationInputs,
  type AllocationPreview,
  type AllocationView,
  type DocumentAction,
} from './views';

const INPUT_LABEL: Record<keyof AllocationInputs, I18nKey> = {
  insuredCount: 'buInsuredCount',
  perCapitaStandard: 'buPerCapitaStandard',
  interest: 'buInterest',
  criticalIllnessPremiumPerPerson: 'buCriticalIllnessPremium',
  familyDoctorFee: 'buFamilyDoctorFee',
  policyAdjustmentExpenditure: 'buPolicyAdjustment',
};

export const FIGURE_LABEL: Record<keyof AllocationFigures, I18nKey> = {
  raisedTotal: 'buRaisedTotal',
  adjustmentReserve: 'buAdjustmentReserve',
  criticalIllnessFund: 'buCriticalIllnessFund',
  netBase: 'buNetBase',
  communityBaseShare: 'buCommunityBaseShare',
  increasePool: 'buIncreasePool',
  privatePool: 'buPrivatePool',
  communityIncrease: 'buCommunityIncrease',
  communityPackage: 'buCommunityPackage',
};

/** Input formats the API accepts (it validates them again): a count, and yuan with at most two decimals. */
const COUNT = /^[1-9]\d{0,11}$/;
const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const formatOf = (field: keyof AllocationInputs) => (field === 'insuredCount' ? COUNT : AMOUNT);

type FormValues = AllocationInputs & { fundYear: number; enrolment?: Record<string, string> };

/** The value after it has stayed unchanged for `ms` (the preview is asked for once typing pauses). */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** What the API is sent: the inputs, and each community's enrolment where the county has more than one. */
type Inputs = AllocationInputs & { communities?: { communityCode: string; enrolledPopulation: string }[] };

function inputsOf(values: Partial<FormValues> | undefined, communityCodes: readonly string[]): Inputs | null {
  if (!values) return null;
  const inputs = {} as Inputs;
  for (const field of ALLOCATION_INPUTS) {
    const text = String(values[field] ?? '').trim();
    if (!formatOf(field).test(text)) return null;
    inputs[field] = text;
  }
  if (communityCodes.length > 1) {
    inputs.communities = communityCodes.map((code) => ({
      communityCode: code,
      enrolledPopulation: String(values.enrolment?.[code] ?? '').trim(),
    }));
    if (!inputs.communities.every((c) => COUNT.test(c.enrolledPopulation))) return null;
  }
  return inputs;
}

/** F, A, C, B, the shares of B, R and M, as the API computed them. */
export function AllocationFiguresTable({ figures }: { figures: AllocationFigures }) {
  const { t } = useI18n();
  return (
    <Descriptions bordered size="small" column={1} data-testid="allocation-figures">
      {ALLOCATION_FIGURES.map((f) => (
        <Descriptions.Item key={f} label={t(FIGURE_LABEL[f])}>
          <span data-testid={`figure-${f}`}>{formatYuan(figures[f])}</span>
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

type Transition = Exclude<DocumentAction, 'supersede'>;
const TRANSITION_PATH = {
  submit: '/api/v1/allocations/{id}/submit',
  return: '/api/v1/allocations/{id}/return',
  approve: '/api/v1/allocations/{id}/approve',
  publish: '/api/v1/allocations/{id}/publish',
} as const;

/**
 * The allocation form (SPEC §3): the inputs, and the figures the API computes from them as they
 * change (a preview that stores nothing); then the draft's life cycle by the API's allowedActions.
 */
export default function AllocationPage() {
  const param = useParams().id;
  const creating = param === 'new';
  const id = creating ? null : Number(param);
  const { t, code } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const { county, fundYear: currentYear } = useCountyYear();
  const [form] = Form.useForm<FormValues>();
  const watched = Form.useWatch([], form) as Partial<FormValues> | undefined;

  const doc = useQuery({
    queryKey: ['allocation', id],
    enabled: id !== null,
    queryFn: () => read<AllocationView>(() => api.GET('/api/v1/allocations/{id}', { params: { path: { id: id! } } })),
  });
  const d = doc.data;
  // A correction of an approved allocation starts from its inputs and is saved as a new draft version.
  const [correcting, setCorrecting] = useState(false);
  const editable = creating
    ? me.roles.includes('BUREAU_CLERK')
    : !!d && ((d.state === 'DRAFT' && d.allowedActions.includes('submit')) || (correcting && d.allowedActions.includes('supersede')));

  // Where the county has more than one medical community, the API needs each one's enrolment.
  const registry = useCommunities();
  const countyCommunities = (registry.data ?? []).filter((c) => c.countyCode === county && c.active);
  const communityCodes = countyCommunities.length > 1 ? countyCommunities.map((c) => c.code) : [];

  useEffect(() => {
    if (d)
      form.setFieldsValue({
        ...d.inputs,
        fundYear: d.fundYear,
        enrolment: Object.fromEntries(d.communities.map((c) => [c.communityCode, c.enrolledPopulation])),
      });
  }, [d, form]);

  const fundYear = creating ? watched?.fundYear : d?.fundYear;
  // Debounced as text: the preview is asked for once the inputs stay unchanged for 400 ms.
  const settledText = useDebounced(JSON.stringify({ inputs: inputsOf(watched, communityCodes), fundYear: fundYear ?? null }), 400);
  const settled = useMemo(() => JSON.parse(settledText) as { inputs: Inputs | null; fundYear: number | null }, [settledText]);
  const changed =
    !!d &&
    !!settled.inputs &&
    (ALLOCATION_INPUTS.some((f) => settled.inputs![f] !== d.inputs[f]) ||
      (settled.inputs.communities ?? []).some(
        (c) => d.communities.find((s) => s.communityCode === c.communityCode)?.enrolledPopulation !== c.enrolledPopulation,
      ));
  const previewWanted = editable && !!county && !!settled.inputs && !!settled.fundYear && (creating || changed);
  const preview = useQuery({
    queryKey: ['allocation-preview', county, settled.fundYear, settled.inputs],
    enabled: previewWanted,
    placeholderData: keepPreviousData,
    queryFn: () =>
      read<AllocationPreview>(() =>
        api.POST('/api/v1/allocations/preview', {
          body: { countyCode: county!, fundYear: settled.fundYear!, ...settled.inputs! },
        }),
      ),
  });

  const refresh = () => {
    void queries.invalidateQueries({ queryKey: ['allocation', id] });
    void queries.invalidateQueries({ queryKey: ['allocations'] });
    void queries.invalidateQueries({ queryKey: ['approvals'] });
    void queries.invalidateQueries({ queryKey: ['inbox'] });
  };
  const save = useMutation({
    mutationFn: async (values: FormValues) => {
      const inputs = inputsOf(values, communityCodes)!;
      if (correcting)
        return read<AllocationView>(() =>
          api.POST('/api/v1/allocations/{id}/corrections', { params: { path: { id: id! } }, body: inputs }),
        );
      if (creating)
        return read<AllocationView>(() =>
          api.POST('/api/v1/allocations', { body: { countyCode: county!, fundYear: values.fundYear, ...inputs } }),
        );
      return read<AllocationView>(() =>
        api.PATCH('/api/v1/allocations/{id}', { params: { path: { id: id! } }, body: { version: d!.version, ...inputs } }),
      );
    },
    onSuccess: (saved) => {
      void message.success(t('done'));
      refresh();
      if (creating) void navigate(`/allocations/${saved.id}`, { replace: true });
      if (correcting) {
        setCorrecting(false);
        void navigate(`/allocations/${saved.id}`);
      }
    },
  });
  const act = useMutation({
    mutationFn: (action: Transition) =>
      read<AllocationView>(() => api.POST(TRANSITION_PATH[action], { params: { path: { id: id! } }, body: { version: d!.version } })),
    onSuccess: () => {
      void message.success(t('done'));
      refresh();
    },
  });

  if (!creating && doc.isLoading) return <Spin />;
  if (!creating && (doc.error || !d)) return <Alert type="error" role="alert" title={refusalOf(doc.error) ?? 'error'} />;

  const figures = previewWanted ? preview.data?.figures : (d?.figures ?? preview.data?.figures);
  const communities = previewWanted ? preview.data?.communities : (d?.communities ?? preview.data?.communities);
  const actionLabel: Record<Transition, string> = {
    submit: t('buSubmit'),
    return: t('buReturn'),
    approve: t('approve'),
    publish: t('buPublish'),
  };
  const actions = (d?.allowedActions ?? []).filter((a): a is Transition => a !== 'supersede');
  const error = save.error ?? act.error;

  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {creating ? t('buNewAllocation') : `${t('buAllocation')} #${d!.id} · ${d!.countyCode} · ${d!.fundYear}`}
        </h1>
      }
      extra={<Link to="/allocations">{t('back')}</Link>}
    >
      {error && <Alert type="error" role="alert" title={refusalOf(error)} style={{ marginBottom: 16 }} />}
      {d && <MakerChecker state={d.state} makers={[d.createdBy, d.submittedBy]} awaiting="SUBMITTED" />}
      {d && (
        <Descriptions bordered size="small" column={3} style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('state')}>
            <Tag>{code(d.state)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('buDocumentVersion')}>{d.documentVersion}</Descriptions.Item>
          <Descriptions.Item label={t('buParametersVersion')}>{d.parametersVersion}</Descriptions.Item>
          <Descriptions.Item label={t('createdBy')}>{d.createdBy}</Descriptions.Item>
          <Descriptions.Item label={t('buSubmittedBy')}>{d.submittedBy ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('approvedBy')}>{d.approvedBy ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('buApprovedAt')}>{formatDate(d.approvedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('buPublishedAt')}>{formatDate(d.publishedAt)}</Descriptions.Item>
        </Descriptions>
      )}
      <Row gutter={24}>
        <Col xs={24} lg={10}>
          <h2 style={{ fontSize: 16 }}>{t('buInputs')}</h2>
          <Form<FormValues>
            form={form}
            layout="vertical"
            disabled={!editable}
            initialValues={creating ? { fundYear: currentYear } : undefined}
            onFinish={(values) => save.mutate(values)}
          >
            <Form.Item label={t('fundYear')} name="fundYear" rules={[{ required: true, message: t('required') }]}>
              <InputNumber min={2000} max={2100} disabled={!creating} />
            </Form.Item>
            {ALLOCATION_INPUTS.map((field) => (
              <Form.Item
                key={field}
                label={t(INPUT_LABEL[field])}
                name={field}
                rules={[
                  { required: true, message: t('required') },
                  { pattern: formatOf(field), message: t('buInvalidInput') },
                ]}
              >
                <Input inputMode={field === 'insuredCount' ? 'numeric' : 'decimal'} autoComplete="off" />
              </Form.Item>
            ))}
            {countyCommunities.length > 1 &&
              countyCommunities.map((c) => (
                <Form.Item
                  key={c.code}
                  label={`${c.code} · ${c.name} · ${t('buEnrolled')}`}
                  name={['enrolment', c.code]}
                  rules={[
                    { required: true, message: t('required') },
                    { pattern: COUNT, message: t('buInvalidInput') },
                  ]}
                >
                  <Input inputMode="numeric" autoComplete="off" />
                </Form.Item>
              ))}
            {editable && (
              <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!county}>
                {creating || correcting ? t('buCreateDraft') : t('buSaveDraft')}
              </Button>
            )}
          </Form>
        </Col>
        <Col xs={24} lg={14}>
          <Space align="baseline">
            <h2 style={{ fontSize: 16 }}>{t('buFigures')}</h2>
            {preview.isFetching && <Typography.Text type="secondary">{t('buPreviewing')}</Typography.Text>}
          </Space>
          {editable && <Typography.Paragraph type="secondary">{t('buFiguresHint')}</Typography.Paragraph>}
          {previewWanted && preview.error && (
            <Alert type="error" role="alert" title={refusalOf(preview.error)} style={{ marginBottom: 12 }} />
          )}
          {figures ? <AllocationFiguresTable figures={figures} /> : <Typography.Text type="secondary">—</Typography.Text>}
          {communities && (
            <Table
              style={{ marginTop: 16 }}
              rowKey="communityCode"
              size="small"
              pagination={false}
              dataSource={communities}
              columns={[
                { title: t('community'), dataIndex: 'communityCode' },
                { title: t('buEnrolled'), dataIndex: 'enrolledPopulation', align: 'right' },
                { title: t('buPackage'), dataIndex: 'package', align: 'right', render: (v: string) => formatYuan(v) },
              ]}
            />
          )}
        </Col>
      </Row>
      {d && (
        <Space style={{ marginTop: 24 }} wrap>
          {actions.map((action, i) => (
            <Button
              key={action}
              type={i === 0 ? 'primary' : 'default'}
              danger={action === 'return'}
              loading={act.isPending && act.variables === action}
              disabled={action === 'submit' && changed}
              onClick={() => act.mutate(action)}
            >
              {actionLabel[action]}
            </Button>
          ))}
          {d.allowedActions.includes('supersede') && !correcting && <Button onClick={() => setCorrecting(true)}>{t('buCorrect')}</Button>}
          <Button
            onClick={() =>
              void downloadFile(
                `/api/v1/allocations/${d.id}/export.xlsx`,
                `${d.countyCode}-${d.fundYear}-allocation-v${d.documentVersion}.xlsx`,
              ).catch((e: unknown) => void message.error(refusalOf(e)))
            }
          >
            {t('downloadXlsx')}
          </Button>
        </Space>
      )}
    </Card>
  );
}
