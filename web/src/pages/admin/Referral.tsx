import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Space, Spin } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import type { ChainAction, ReferralView } from '../../api/views';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatDate } from '../../lib/format';
import { ChainDetails, ChainStatusTag } from '../chain';

const load = async (id: number) =>
  (await call(() => api.GET('/api/v1/referrals/{id}', { params: { path: { id } } }))) as unknown as ReferralView;

/** The acts that take a comment: approve (optional), return and reject (required). */
const COMMENTED: readonly ChainAction[] = ['approve', 'return', 'reject'];

function perform(id: number, action: ChainAction, version: number, comment?: string): Promise<unknown> {
  const path = { params: { path: { id } } };
  const body = { version, ...(comment ? { comment } : {}) };
  switch (action) {
    case 'submit':
      return call(() => api.POST('/api/v1/referrals/{id}/submit', { ...path, body: { version } }));
    case 'withdraw':
      return call(() => api.POST('/api/v1/referrals/{id}/withdraw', { ...path, body: { version } }));
    case 'approve':
      return call(() => api.POST('/api/v1/referrals/{id}/approve', { ...path, body }));
    case 'return':
      return call(() => api.POST('/api/v1/referrals/{id}/return', { ...path, body }));
    case 'reject':
      return call(() => api.POST('/api/v1/referrals/{id}/reject', { ...path, body }));
    case 'execute':
      // A referral has no execution: the API never offers it.
      return Promise.reject(new Error('execute'));
  }
}

/** One out-of-county referral: the record, its chain (steps, history) and the caller's actions. */
export default function ReferralPage() {
  const id = Number(useParams().id);
  const { t } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const referral = useQuery({ queryKey: ['referral', id], queryFn: () => load(id) });
  const [asking, setAsking] = useState<ChainAction | null>(null);
  const [form] = Form.useForm<{ comment?: string }>();
  const act = useMutation({
    mutationFn: ({ action, comment }: { action: ChainAction; comment?: string }) => perform(id, action, referral.data!.version, comment),
    onSuccess: () => {
      setAsking(null);
      void queries.invalidateQueries({ queryKey: ['referral', id] });
      void queries.invalidateQueries({ queryKey: ['referrals'] });
      void queries.invalidateQueries({ queryKey: ['notifications'] });
      void message.success(t('done'));
    },
  });
  if (referral.isLoading) return <Spin />;
  if (referral.error || !referral.data) return <Alert type="error" role="alert" title={refusalOf(referral.error) ?? 'error'} />;
  const r = referral.data;
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
    if (COMMENTED.includes(action)) {
      form.resetFields();
      setAsking(action);
    } else act.mutate({ action });
  };
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('referral')} #{r.id} · {r.communityCode}
        </h1>
      }
      extra={<Link to="/referrals">{t('back')}</Link>}
    >
      {act.error && !asking && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginBottom: 16 }} />}
      <Descriptions bordered size="small" column={2} data-testid="referral">
        <Descriptions.Item label={t('chainStatus')}>
          <ChainStatusTag status={r.chain.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('version')}>{r.version}</Descriptions.Item>
        <Descriptions.Item label={t('insuredMasked')}>{r.insuredMasked}</Descriptions.Item>
        <Descriptions.Item label={t('fromUnit')}>{r.fromUnitCode}</Descriptions.Item>
        <Descriptions.Item label={t('receivingHospital')}>{r.receivingHospital}</Descriptions.Item>
        <Descriptions.Item label={t('diagnosisCode')}>{r.diagnosisCode ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('validFrom')}>{r.validFrom}</Descriptions.Item>
        <Descriptions.Item label={t('validTo')}>{r.validTo}</Descriptions.Item>
        <Descriptions.Item label={t('referralReason')} span={2}>
          {r.reason}
        </Descriptions.Item>
        <Descriptions.Item label={t('recordedBy')}>{r.recordedBy}</Descriptions.Item>
        <Descriptions.Item label={t('createdAt')}>{formatDate(r.createdAt)}</Descriptions.Item>
      </Descriptions>
      <Space style={{ marginTop: 16 }}>
        {r.allowedActions.map((action, i) => (
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
      <ChainDetails chain={r.chain} />
      <Modal
        title={asking ? label[asking] : ''}
        open={asking !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={act.isPending}
        onCancel={() => setAsking(null)}
        onOk={() => void form.validateFields().then((v) => act.mutate({ action: asking!, comment: v.comment?.trim() || undefined }))}
        forceRender
      >
        {act.error && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} name="referral-act" layout="vertical">
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
