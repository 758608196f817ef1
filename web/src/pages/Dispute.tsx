import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Form, Input, Modal, Space, Spin, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { DisputeAction, DisputeView } from '../api/views';
import { useI18n } from '../app/i18n';
import { refusalOf } from '../lib/context';
import { formatDate } from '../lib/format';
import { ChainDetails, ChainStatusTag } from './chain';

const load = async (id: number) =>
  (await call(() => api.GET('/api/v1/disputes/{id}', { params: { path: { id } } }))) as unknown as DisputeView;

/** The route of each action (`POST /disputes/{id}/{route}`). */
const ROUTES: Record<DisputeAction, string> = {
  submit: 'submit',
  withdraw: 'withdraw',
  register: 'register',
  requestDocuments: 'request-documents',
  opinion: 'opinion',
  dismiss: 'dismiss',
  rectification: 'rectification',
  accept: 'accept',
  reopen: 'reopen',
};
/** Actions sent with the version alone; the others ask for their fields first. */
const DIRECT: readonly DisputeAction[] = ['submit', 'withdraw'];
/** Actions whose comment is required. */
const COMMENT_REQUIRED: readonly DisputeAction[] = ['requestDocuments', 'dismiss', 'reopen'];

interface Fields {
  comment?: string;
  findings?: string;
  rectifyingUnitCode?: string;
  rectificationDeadline?: Dayjs;
  note?: string;
  evidenceName?: string;
  evidenceRef?: string;
}

function bodyOf(action: DisputeAction, version: number, f: Fields): Record<string, unknown> {
  const date = f.rectificationDeadline?.format('YYYY-MM-DD');
  switch (action) {
    case 'opinion':
      return { version, findings: f.findings!.trim(), rectifyingUnitCode: f.rectifyingUnitCode!.trim(), rectificationDeadline: date };
    case 'rectification':
      return {
        version,
        note: f.note!.trim(),
        evidence: f.evidenceName?.trim()
          ? [{ name: f.evidenceName.trim(), reference: f.evidenceRef?.trim() || f.evidenceName.trim() }]
          : [],
      };
    case 'reopen':
      return { version, comment: f.comment!.trim(), ...(date ? { rectificationDeadline: date } : {}) };
    case 'submit':
    case 'withdraw':
      return { version };
    default:
      return { version, ...(f.comment?.trim() ? { comment: f.comment.trim() } : {}) };
  }
}

/** A dispute or review: subject, opinion, rectification, the chain's steps and history, and the caller's actions. */
export default function DisputePage() {
  const id = Number(useParams().id);
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const dispute = useQuery({ queryKey: ['dispute', id], queryFn: () => load(id) });
  const [asking, setAsking] = useState<DisputeAction | null>(null);
  const [form] = Form.useForm<Fields>();
  const act = useMutation({
    mutationFn: ({ action, fields }: { action: DisputeAction; fields: Fields }) =>
      call(() =>
        api.POST(`/api/v1/disputes/{id}/${ROUTES[action]}` as '/api/v1/disputes/{id}/submit', {
          params: { path: { id } },
          body: bodyOf(action, dispute.data!.version, fields) as { version: number },
        }),
      ),
    onSuccess: () => {
      setAsking(null);
      void queries.invalidateQueries({ queryKey: ['dispute', id] });
      void queries.invalidateQueries({ queryKey: ['disputes'] });
      void message.success(t('done'));
    },
  });
  if (dispute.isLoading) return <Spin />;
  if (dispute.error || !dispute.data) return <Alert type="error" title={refusalOf(dispute.error) ?? 'error'} />;
  const d = dispute.data;
  const label: Record<DisputeAction, string> = {
    submit: t('submitChain'),
    withdraw: t('withdrawChain'),
    register: t('register'),
    requestDocuments: t('requestDocuments'),
    opinion: t('opinion'),
    dismiss: t('dismiss'),
    rectification: t('rectification'),
    accept: t('acceptRectification'),
    reopen: t('reopen'),
  };
  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {code(d.kind)} #{d.id} · {d.communityCode}
        </h1>
      }
      extra={<Link to="/disputes">{t('back')}</Link>}
    >
      {act.error && !asking && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginBottom: 16 }} />}
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('chainStatus')}>
          <ChainStatusTag status={d.chain.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('version')}>{d.version}</Descriptions.Item>
        <Descriptions.Item label={t('subjectType')}>{code(d.subject.type)}</Descriptions.Item>
        <Descriptions.Item label={t('subjectRef')}>{d.subject.reference}</Descriptions.Item>
        <Descriptions.Item label={t('description')} span={2}>
          {d.description}
        </Descriptions.Item>
        <Descriptions.Item label={t('filedBy')}>{d.filedBy}</Descriptions.Item>
        <Descriptions.Item label={t('createdBy')}>{d.createdBy}</Descriptions.Item>
        <Descriptions.Item label={t('findings')} span={2}>
          {d.opinion?.findings ?? '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('rectifyingUnit')}>{d.opinion?.rectifyingUnitCode ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('rectificationDeadline')}>
          <Space>
            {formatDate(d.opinion?.rectificationDeadline)}
            {d.overdueOn && <Tag color="red">{t('overdue')}</Tag>}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('rectificationNote')} span={2}>
          {d.rectification
            ? `${d.rectification.note}${d.rectification.evidence.length ? `（${d.rectification.evidence.map((e) => e.name).join('、')}）` : ''}`
            : '—'}
        </Descriptions.Item>
      </Descriptions>
      <Space style={{ marginTop: 16 }} wrap>
        {d.allowedActions.map((action, i) => (
          <Button
            key={action}
            type={i === 0 ? 'primary' : 'default'}
            danger={action === 'dismiss' || action === 'reopen' || action === 'withdraw'}
            loading={act.isPending && act.variables?.action === action}
            onClick={() => {
              act.reset();
              if (DIRECT.includes(action)) act.mutate({ action, fields: {} });
              else {
                form.resetFields();
                setAsking(action);
              }
            }}
          >
            {label[action]}
          </Button>
        ))}
      </Space>
      <ChainDetails chain={d.chain} />
      <Modal
        title={asking ? label[asking] : ''}
        open={asking !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={act.isPending}
        onCancel={() => setAsking(null)}
        onOk={() => void form.validateFields().then((fields) => act.mutate({ action: asking!, fields }))}
        destroyOnHidden
      >
        {act.error && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" preserve={false}>
          {asking === 'opinion' && (
            <>
              <Form.Item label={t('findings')} name="findings" rules={required}>
                <Input.TextArea maxLength={4000} rows={3} />
              </Form.Item>
              <Form.Item label={t('rectifyingUnit')} name="rectifyingUnitCode" rules={required}>
                <Input placeholder="WS-TC-01" />
              </Form.Item>
            </>
          )}
          {(asking === 'opinion' || asking === 'reopen') && (
            <Form.Item
              label={t('rectificationDeadline')}
              name="rectificationDeadline"
              rules={[{ required: asking === 'opinion', message: t('dateRequired') }]}
            >
              <DatePicker />
            </Form.Item>
          )}
          {asking === 'rectification' && (
            <>
              <Form.Item label={t('rectificationNote')} name="note" rules={required}>
                <Input.TextArea maxLength={4000} rows={3} />
              </Form.Item>
              <Form.Item label={t('evidenceName')} name="evidenceName">
                <Input maxLength={200} />
              </Form.Item>
              <Form.Item label={t('evidenceRef')} name="evidenceRef">
                <Input maxLength={200} />
              </Form.Item>
            </>
          )}
          {asking && asking !== 'opinion' && asking !== 'rectification' && (
            <Form.Item
              label={t('comment')}
              name="comment"
              rules={[{ required: COMMENT_REQUIRED.includes(asking), whitespace: true, message: t('commentRequired') }]}
            >
              <Input.TextArea maxLength={2000} rows={3} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
