import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Select, Table } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import { useList } from '../../lib/lists';

type Orphan = Schemas['OrphanView'];
type OrphanState = Orphan['state'];

/** Refunds whose original settlement has not arrived: the API's list; the lead or the bureau drops one with a reason. */
export default function OrphansPage() {
  const { t, code } = useI18n();
  const queries = useQueryClient();
  const [state, setState] = useState<OrphanState | undefined>('WAITING');
  const [dropping, setDropping] = useState<Orphan | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const list = useList<Orphan>(['refund-orphans', state], () =>
    call(() => api.GET('/api/v1/refund-orphans', { params: { query: { state, pageSize: 500 } } })),
  );
  const drop = useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string }) =>
      call(() => api.POST('/api/v1/refund-orphans/{id}/drop', { params: { path: { id } }, body: { reason } })),
    onSuccess: () => {
      setDropping(null);
      form.resetFields();
      void queries.invalidateQueries({ queryKey: ['refund-orphans'] });
    },
  });
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('refundOrphans')}</h1>}>
      <p>{t('orphansIntro')}</p>
      <Select<OrphanState | 'ALL'>
        aria-label={t('status')}
        value={state ?? 'ALL'}
        style={{ width: 200, marginBottom: 12 }}
        onChange={(v) => setState(v === 'ALL' ? undefined : v)}
        options={[
          { value: 'ALL', label: t('allOrphanStates') },
          ...(['WAITING', 'APPLIED', 'DROPPED'] as const).map((s) => ({ value: s, label: code(s) })),
        ]}
      />
      {list.error && <Alert type="error" role="alert" title={refusalOf(list.error)} />}
      <Table<Orphan>
        data-testid="orphans"
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t('externalIdCol'), dataIndex: 'externalId' },
          { title: t('refundOf'), dataIndex: 'refundOf' },
          { title: t('submitter'), dataIndex: 'submitterCode' },
          { title: t('natUnit'), dataIndex: 'unitCode' },
          { title: t('settlementDateCol'), dataIndex: 'settlementDate', render: (v: string) => formatDate(v) },
          { title: t('fundPaidCol'), dataIndex: 'fundPaid', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('totalCostCol'), dataIndex: 'totalCost', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('status'), dataIndex: 'state', render: (v: string) => code(v) },
          { title: t('decisionReason'), dataIndex: 'decisionReason', render: (v: string | null) => v ?? '' },
          {
            title: t('natActions'),
            key: 'actions',
            render: (_: unknown, o: Orphan) =>
              o.allowedActions.includes('drop') ? (
                <Button danger onClick={() => setDropping(o)}>
                  {t('dropOrphan')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        open={dropping !== null}
        title={`${t('dropOrphan')} ${dropping?.externalId ?? ''}`}
        okText={t('dropOrphan')}
        cancelText={t('natCancel')}
        confirmLoading={drop.isPending}
        onCancel={() => setDropping(null)}
        onOk={() => void form.validateFields().then((v) => drop.mutate({ id: dropping!.id, reason: v.reason }))}
      >
        {drop.error && <Alert type="error" role="alert" title={refusalOf(drop.error)} />}
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label={t('dropReason')} rules={[{ required: true, message: t('dropReasonRequired') }]}>
            <Input.TextArea maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
