import { useEffect, useState } from 'react';
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Tag, Timeline } from 'antd';
import type { UseMutationResult } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { ChainAction, ChainStatus, ChainView } from '../api/views';
import { useI18n } from '../app/i18n';
import { refusalOf } from '../lib/context';
import { formatDate } from '../lib/format';

const CHAIN_COLOURS: Record<ChainStatus, string> = {
  DRAFT: 'default',
  IN_REVIEW: 'blue',
  RETURNED: 'orange',
  APPROVED: 'green',
  REJECTED: 'red',
  EXECUTED: 'purple',
  WITHDRAWN: 'default',
};

/** A chain's status; REJECTED here is a refusal of the whole application (不予同意). */
export function ChainStatusTag({ status }: { status: ChainStatus }) {
  const { code, language } = useI18n();
  const label =
    status === 'REJECTED'
      ? language === 'zh'
        ? '不予同意'
        : 'Rejected'
      : status === 'APPROVED'
        ? language === 'zh'
          ? '已同意'
          : 'Approved'
        : code(status);
  return <Tag color={CHAIN_COLOURS[status]}>{label}</Tag>;
}

const STEP_LABELS = {
  zh: { WAITING: '待开始', OPEN: '办理中', APPROVED: '已同意', RETURNED: '已退回', REJECTED: '不予同意' },
  en: { WAITING: 'Waiting', OPEN: 'Open', APPROVED: 'Approved', RETURNED: 'Returned', REJECTED: 'Rejected' },
} as const;

/** A chain's steps with their state and deadline, and its history (who, institution, when, comment). */
export function ChainDetails({ chain }: { chain: ChainView }) {
  const { t, code, language } = useI18n();
  const titles = new Map(chain.steps.map((s) => [s.key, s.title]));
  return (
    <>
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('steps')}</h2>
      <Table
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={chain.steps}
        data-testid="chain-steps"
        columns={[
          { title: t('step'), dataIndex: 'title' },
          {
            title: t('status'),
            dataIndex: 'status',
            render: (s: keyof (typeof STEP_LABELS)['zh']) => (
              <Tag color={s === 'OPEN' ? 'blue' : s === 'APPROVED' ? 'green' : s === 'WAITING' ? 'default' : 'red'}>
                {STEP_LABELS[language][s]}
              </Tag>
            ),
          },
          { title: t('deadline'), dataIndex: 'deadline', render: (d: string | null) => formatDate(d) },
        ]}
      />
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('history')}</h2>
      <Timeline
        data-testid="chain-history"
        items={chain.history.map((h) => ({
          key: `${h.at}:${h.action}:${h.step ?? ''}`,
          content: (
            <span>
              {formatDate(h.at)} · {code(h.action)}
              {h.step ? ` · ${titles.get(h.step) ?? h.step}` : ''} · {h.username}
              {h.institutionCode ? `（${h.institutionCode}）` : ''}
              {h.comment ? ` ：${h.comment}` : ''}
            </span>
          ),
        }))}
      />
    </>
  );
}

/** The acts on a step: approve (comment optional), return and reject (comment required). */
const STEP_ACTIONS: readonly ChainAction[] = ['approve', 'return', 'reject'];

/**
 * Sends one chain action on a document of `base` (each route takes `{version}`, and a step act
 * `{version, step, comment?}` — a referral's one-step chain `{version, comment?}`: the OpenAPI
 * document types them alike).
 */
export function performChainAction(
  base: '/api/v1/reserve-uses' | '/api/v1/surplus-plans' | '/api/v1/referrals',
  id: number,
  action: ChainAction,
  version: number,
  step?: string,
  comment?: string,
): Promise<unknown> {
  const named = base === '/api/v1/referrals' ? {} : { step: step! };
  const body = STEP_ACTIONS.includes(action) ? { version, ...named, ...(comment ? { comment } : {}) } : { version };
  return call(() => api.POST(`${base}/{id}/${action}` as '/api/v1/reserve-uses/{id}/approve', { params: { path: { id } }, body } as never));
}

/**
 * The caller's buttons on a chain document, one per action its `allowedActions` lists; a step act
 * asks for the step (of those open) and a comment (required to return or reject) first. `act`
 * sends the action; its refusal is shown with the API's message.
 */
export function ChainActions({
  allowed,
  chain,
  act,
  asksStep = true,
}: {
  allowed: readonly ChainAction[];
  chain: ChainView;
  act: UseMutationResult<unknown, Error, { action: ChainAction; step?: string; comment?: string }>;
  /** Whether the step is chosen (a chain of one step per stage acted on by its route alone does not ask). */
  asksStep?: boolean;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState<ChainAction | null>(null);
  const [form] = Form.useForm<{ step: string; comment?: string }>();
  const openSteps = chain.steps.filter((s) => s.status === 'OPEN');
  const label: Record<ChainAction, string> = {
    submit: t('submitChain'),
    approve: t('approveStep'),
    return: t('returnStep'),
    reject: t('rejectStep'),
    execute: t('executeChain'),
    withdraw: t('withdrawChain'),
  };
  const onClick = (action: ChainAction) => {
    act.reset();
    if (STEP_ACTIONS.includes(action)) {
      form.resetFields();
      setAsking(action);
    } else act.mutate({ action });
  };
  useEffect(() => {
    if (act.isSuccess) setAsking(null);
  }, [act.isSuccess]);
  return (
    <>
      {act.error && !asking && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginTop: 16 }} />}
      <Space style={{ marginTop: 16 }}>
        {allowed.map((action, i) => (
          <Button
            key={action}
            type={i === 0 ? 'primary' : 'default'}
            danger={action === 'reject' || action === 'return'}
            loading={act.isPending && act.variables?.action === action}
            onClick={() => onClick(action)}
          >
            {label[action]}
          </Button>
        ))}
      </Space>
      <Modal
        title={asking ? label[asking] : ''}
        open={asking !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={act.isPending}
        onCancel={() => setAsking(null)}
        onOk={() =>
          void form.validateFields().then((v) => act.mutate({ action: asking!, step: v.step, comment: v.comment?.trim() || undefined }))
        }
        destroyOnHidden
      >
        {act.error && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" preserve={false} initialValues={{ step: openSteps[0]?.key }}>
          {asksStep && (
            <Form.Item label={t('step')} name="step" rules={[{ required: true, message: t('required') }]}>
              <Select options={openSteps.map((s) => ({ value: s.key, label: s.title }))} />
            </Form.Item>
          )}
          <Form.Item
            label={t('comment')}
            name="comment"
            rules={[{ required: asking === 'return' || asking === 'reject', whitespace: true, message: t('commentRequired') }]}
          >
            <Input.TextArea maxLength={2000} rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
