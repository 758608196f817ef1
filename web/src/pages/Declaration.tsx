import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Form, Input, Modal, Space, Spin, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { DeclarationAction, DeclarationMemberView, DeclarationView, ReasonCode } from '../api/views';
import { useI18n } from '../app/i18n';
import { daysUntil, refusalOf, useToday } from '../lib/context';
import { formatDate, formatYuan } from '../lib/format';
import { ClaimRecords } from './Records';

const load = (id: number): Promise<DeclarationView> => call(() => api.GET('/api/v1/declarations/{id}', { params: { path: { id } } }));

type Change =
  | { action: 'completeReview' | 'approve'; version: number }
  | { action: 'return'; version: number; note: string }
  | { action: 'disburse'; version: number; disbursedOn: string; reference: string };

function perform(id: number, change: Change): Promise<unknown> {
  const path = { params: { path: { id } } };
  switch (change.action) {
    case 'completeReview':
      return call(() => api.POST('/api/v1/declarations/{id}/complete-review', { ...path, body: { version: change.version } }));
    case 'approve':
      return call(() => api.POST('/api/v1/declarations/{id}/approve', { ...path, body: { version: change.version } }));
    case 'return':
      return call(() => api.POST('/api/v1/declarations/{id}/return', { ...path, body: { version: change.version, note: change.note } }));
    case 'disburse':
      return call(() =>
        api.POST('/api/v1/declarations/{id}/disbursement', {
          ...path,
          body: { version: change.version, disbursedOn: change.disbursedOn, reference: change.reference },
        }),
      );
  }
}

/** The countdown to the declaration deadline, from the API's deadline and business date (display only). */
function Countdown({ deadline, today }: { deadline: string; today: string | undefined }) {
  const { t } = useI18n();
  if (!today) return null;
  const days = daysUntil(deadline, today);
  return days >= 0 ? (
    <Tag color={days <= 2 ? 'orange' : 'blue'} data-testid="countdown">
      {t('daysLeft')} {days} {t('daysUnit')}
    </Tag>
  ) : (
    <Tag color="red" data-testid="countdown">
      {t('daysOverdue')} {-days} {t('daysUnit')}
    </Tag>
  );
}

/** A declaration: its deadline and countdown, late flag, figures, members, and the caller's actions. */
export default function DeclarationPage() {
  const id = Number(useParams().id);
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const today = useToday();
  const declaration = useQuery({ queryKey: ['declaration', id], queryFn: () => load(id) });
  const [asking, setAsking] = useState<'return' | 'disburse' | null>(null);
  const [expanded, setExpanded] = useState<number[]>([]);
  const [form] = Form.useForm<{ note?: string; disbursedOn?: dayjs.Dayjs; reference?: string }>();
  const refresh = () => {
    void queries.invalidateQueries({ queryKey: ['declaration', id] });
    void queries.invalidateQueries({ queryKey: ['declarations'] });
    void queries.invalidateQueries({ queryKey: ['inbox'] });
    void queries.invalidateQueries({ queryKey: ['pass-downs'] });
  };
  const act = useMutation({
    mutationFn: (change: Change) => perform(id, change),
    onSuccess: () => {
      setAsking(null);
      refresh();
      void message.success(t('done'));
    },
  });
  if (declaration.isLoading) return <Spin />;
  if (declaration.error || !declaration.data) return <Alert type="error" title={refusalOf(declaration.error) ?? 'error'} />;
  const d = declaration.data;
  const deducting = d.allowedActions.includes('completeReview');
  const deduct = (recordId: string, reason: ReasonCode | null, note?: string) =>
    call(() =>
      api.POST('/api/v1/declarations/{id}/deductions', {
        params: { path: { id } },
        body: { deductions: [{ recordId, reason: reason as ReasonCode, ...(note ? { note } : {}) }] },
      }),
    );
  const label: Record<DeclarationAction, string> = {
    completeReview: t('completeReview'),
    approve: t('approve'),
    return: t('returnDeclaration'),
    disburse: t('disburse'),
  };
  const onClick = (action: DeclarationAction) => {
    if (action === 'return' || action === 'disburse') {
      form.resetFields();
      setAsking(action);
    } else act.mutate({ action, version: d.version });
  };
  const submitAsked = () =>
    void form.validateFields().then((v) => {
      if (asking === 'return') act.mutate({ action: 'return', version: d.version, note: v.note!.trim() });
      else if (asking === 'disburse')
        act.mutate({
          action: 'disburse',
          version: d.version,
          disbursedOn: v.disbursedOn!.format('YYYY-MM-DD'),
          reference: v.reference!.trim(),
        });
    });
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {t('declaration')} #{d.id} · {d.communityCode} · {d.period}
        </h1>
      }
      extra={<Link to="/declarations">{t('back')}</Link>}
    >
      {act.error && !asking && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginBottom: 16 }} />}
      {d.returnNote && d.state === 'DECLARED' && (
        <Alert type="warning" title={`${t('returnNote')}：${d.returnNote}`} style={{ marginBottom: 16 }} />
      )}
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('state')}>
          <Tag>{code(d.state)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('version')}>{d.version}</Descriptions.Item>
        <Descriptions.Item label={t('deadline')}>
          <Space>
            {formatDate(d.deadline)}
            {d.state === 'DECLARED' || d.state === 'REVIEWED' ? <Countdown deadline={d.deadline} today={today} /> : null}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('declaredOn')}>
          <Space>
            {formatDate(d.declaredOn)}
            {d.late ? <Tag color="red">{t('lateDeclaration')}</Tag> : <Tag color="green">{t('onTimeDeclaration')}</Tag>}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('declaredBy')}>{d.declaredBy}</Descriptions.Item>
        <Descriptions.Item label={t('records')}>{d.records}</Descriptions.Item>
        <Descriptions.Item label={t('claimed')}>{formatYuan(d.claimed)}</Descriptions.Item>
        <Descriptions.Item label={t('rejected')}>{formatYuan(d.rejected)}</Descriptions.Item>
        <Descriptions.Item label={t('accepted')}>{formatYuan(d.accepted)}</Descriptions.Item>
        <Descriptions.Item label={t('deducted')}>{formatYuan(d.deducted)}</Descriptions.Item>
        <Descriptions.Item label={t('approved')}>{formatYuan(d.approved)}</Descriptions.Item>
        <Descriptions.Item label={t('funded')}>{formatYuan(d.funded)}</Descriptions.Item>
        <Descriptions.Item label={t('reviewedBy')}>{d.reviewedBy ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('approvedBy')}>{d.approvedBy ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('paymentDue')}>
          <Space>
            {formatDate(d.paymentDue)}
            {d.paymentOverdue && <Tag color="red">{t('overdue')}</Tag>}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('disbursedOn')}>
          {formatDate(d.disbursedOn)} {d.disbursementRef ? `· ${d.disbursementRef}` : ''}
        </Descriptions.Item>
      </Descriptions>
      <Space style={{ marginTop: 16 }}>
        {d.allowedActions.map((action, i) => (
          <Button
            key={action}
            type={i === 0 ? 'primary' : 'default'}
            danger={action === 'return'}
            loading={act.isPending && act.variables?.action === action}
            onClick={() => onClick(action)}
          >
            {label[action]}
          </Button>
        ))}
      </Space>
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('members')}</h2>
      <Table<DeclarationMemberView>
        rowKey="claimId"
        size="small"
        dataSource={d.members}
        pagination={false}
        expandable={{
          expandedRowKeys: expanded,
          onExpandedRowsChange: (keys) => setExpanded(keys.map(Number)),
          expandedRowRender: (m) => (
            <ClaimRecords claimId={m.claimId} mode={deducting ? 'deduct' : 'read'} onDeduct={deduct} onChanged={refresh} />
          ),
        }}
        columns={[
          { title: t('institution'), dataIndex: 'institutionCode' },
          { title: t('claim'), dataIndex: 'claimId', render: (c: number) => <Link to={`/claims/${c}`}>#{c}</Link> },
          { title: t('records'), dataIndex: 'records', align: 'right' },
          { title: t('claimed'), dataIndex: 'claimed', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('rejected'), dataIndex: 'rejected', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('accepted'), dataIndex: 'accepted', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('deducted'), dataIndex: 'deducted', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('approved'), dataIndex: 'approved', align: 'right', render: (v: string) => formatYuan(v) },
        ]}
      />
      <Modal
        title={asking === 'return' ? t('returnDeclaration') : t('disburse')}
        open={asking !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={act.isPending}
        onCancel={() => setAsking(null)}
        onOk={submitAsked}
        destroyOnHidden
      >
        {act.error && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" preserve={false}>
          {asking === 'return' ? (
            <Form.Item label={t('returnNote')} name="note" rules={[{ required: true, whitespace: true, message: t('noteRequired') }]}>
              <Input.TextArea maxLength={500} rows={3} />
            </Form.Item>
          ) : (
            <>
              <Form.Item
                label={t('disbursedOn')}
                name="disbursedOn"
                initialValue={today ? dayjs(today) : undefined}
                rules={[{ required: true, message: t('dateRequired') }]}
              >
                <DatePicker />
              </Form.Item>
              <Form.Item
                label={t('reference')}
                name="reference"
                rules={[{ required: true, whitespace: true, message: t('referenceRequired') }]}
              >
                <Input maxLength={64} />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
