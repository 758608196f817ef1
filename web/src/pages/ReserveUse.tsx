import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Select, Space, Spin } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { ChainAction, ReserveUseView } from '../api/views';
import { useI18n } from '../app/i18n';
import { refusalOf } from '../lib/context';
import { formatDate, formatYuan } from '../lib/format';
import { ChainDetails, ChainStatusTag } from './chain';

const load = async (id: number) =>
  (await call(() => api.GET('/api/v1/reserve-uses/{id}', { params: { path: { id } } }))) as unknown as ReserveUseView;

/** The acts on a step: approve (comment optional), return and reject (comment required). */
const STEP_ACTIONS: readonly ChainAction[] = ['approve', 'return', 'reject'];

function perform(id: number, action: ChainAction, version: number, step?: string, comment?: string): Promise<unknown> {
  const path = { params: { path: { id } } };
  const stepBody = { version, step: step!, ...(comment ? { comment } : {}) };
  switch (action) {
    case 'submit':
      return call(() => api.POST('/api/v1/reserve-uses/{id}/submit', { ...path, body: { version } }));
    case 'withdraw':
      return call(() => api.POST('/api/v1/reserve-uses/{id}/withdraw', { ...path, body: { version } }));
    case 'execute':
      return call(() => api.POST('/api/v1/reserve-uses/{id}/execute', { ...path, body: { version } }));
    case 'approve':
      return call(() => api.POST('/api/v1/reserve-uses/{id}/approve', { ...path, body: stepBody }));
    case 'return':
      return call(() => api.POST('/api/v1/reserve-uses/{id}/return', { ...path, body: stepBody }));
    case 'reject':
      return call(() => api.POST('/api/v1/reserve-uses/{id}/reject', { ...path, body: stepBody }));
  }
}

/** One reserve use: the application, the chain's steps, deadlines and history, and the caller's actions. */
export default function ReserveUsePage() {
  const id = Number(useParams().id);
  const { t } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const use = useQuery({ queryKey: ['reserve-use', id], queryFn: () => load(id) });
  const [asking, setAsking] = useState<ChainAction | null>(null);
  const [form] = Form.useForm<{ step: string; comment?: string }>();
  const act = useMutation({
    mutationFn: ({ action, step, comment }: { action: ChainAction; step?: string; comment?: string }) =>
      perform(id, action, use.data!.version, step, comment),
    onSuccess: () => {
      setAsking(null);
      void queries.invalidateQueries({ queryKey: ['reserve-use', id] });
      void queries.invalidateQueries({ queryKey: ['reserve-uses'] });
      void queries.invalidateQueries({ queryKey: ['notifications'] });
      void message.success(t('done'));
    },
  });
  if (use.isLoading) return <Spin />;
  if (use.error || !use.data) return <Alert type="error" title={refusalOf(use.error) ?? 'error'} />;
  const u = use.data;
  const openSteps = u.chain.steps.filter((s) => s.status === 'OPEN');
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
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('reserveUse')} #{u.id} · {u.countyCode} · {u.fundYear}
        </h1>
      }
      extra={<Link to="/reserve-uses">{t('back')}</Link>}
    >
      {act.error && !asking && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginBottom: 16 }} />}
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('chainStatus')}>
          <ChainStatusTag status={u.chain.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('version')}>{u.version}</Descriptions.Item>
        <Descriptions.Item label={t('purpose')}>{u.purpose}</Descriptions.Item>
        <Descriptions.Item label={t('amount')}>{formatYuan(u.amount)}</Descriptions.Item>
        <Descriptions.Item label={t('target')}>
          {u.target.kind === 'PACKAGE_INCREASE'
            ? `${t('packageIncrease')} · ${u.target.communityCode}`
            : `${t('directPayment')} · ${u.target.risk}`}
        </Descriptions.Item>
        <Descriptions.Item label={t('reserveBalance')}>{formatYuan(u.reserveBalance)}</Descriptions.Item>
        <Descriptions.Item label={t('applicationReason')} span={2}>
          {u.reason}
        </Descriptions.Item>
        <Descriptions.Item label={t('createdBy')}>{u.createdBy}</Descriptions.Item>
        <Descriptions.Item label={t('executedOn')}>
          {formatDate(u.executedOn)} {u.executedBy ? `· ${u.executedBy}` : ''}
        </Descriptions.Item>
      </Descriptions>
      <Space style={{ marginTop: 16 }}>
        {u.allowedActions.map((action, i) => (
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
      <ChainDetails chain={u.chain} />
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
          <Form.Item label={t('step')} name="step" rules={[{ required: true, message: t('required') }]}>
            <Select options={openSteps.map((s) => ({ value: s.key, label: s.title }))} />
          </Form.Item>
          <Form.Item
            label={t('comment')}
            name="comment"
            rules={[{ required: asking === 'return' || asking === 'reject', whitespace: true, message: t('commentRequired') }]}
          >
            <Input.TextArea maxLength={2000} rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
