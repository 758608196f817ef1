import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Modal, Space, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { api, call } from '../api/client';
import type { PassDownView } from '../api/views';
import { useI18n } from '../app/i18n';
import { refusalOf, useToday } from '../lib/context';
import { formatDate, formatYuan } from '../lib/format';
import { useList } from '../lib/lists';

/** Pass-downs the caller pays or receives, with the API's overdue marks; the payer records payment. */
export default function PassDownsPage() {
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const today = useToday();
  const [paying, setPaying] = useState<PassDownView | null>(null);
  const [paidOn, setPaidOn] = useState<Dayjs | null>(null);
  const list = useList<PassDownView>(['pass-downs'], async () =>
    call(() => api.GET('/api/v1/pass-downs', { params: { query: { pageSize: 100 } } })),
  );
  const pay = useMutation({
    mutationFn: ({ p, date }: { p: PassDownView; date: string }) =>
      call(() =>
        api.POST('/api/v1/pass-downs/{id}/payment', { params: { path: { id: p.id } }, body: { version: p.version, paidOn: date } }),
      ),
    onSuccess: () => {
      setPaying(null);
      void queries.invalidateQueries({ queryKey: ['pass-downs'] });
      void queries.invalidateQueries({ queryKey: ['inbox'] });
      void message.success(t('done'));
    },
  });
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('passDowns')}</h1>}>
      <Table<PassDownView>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('period'), dataIndex: 'period' },
          { title: t('level'), dataIndex: 'level', render: (l: string) => code(l) },
          { title: t('payer'), dataIndex: 'payerCode' },
          { title: t('payee'), dataIndex: 'payeeCode' },
          { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('receivedOn'), dataIndex: 'receivedOn', render: (d: string) => formatDate(d) },
          { title: t('deadline'), dataIndex: 'deadline', render: (d: string) => formatDate(d) },
          {
            title: t('status'),
            key: 'status',
            render: (_: unknown, p) => (
              <Space size={4}>
                <Tag color={p.state === 'PAID' ? 'green' : 'gold'}>{code(p.state)}</Tag>
                {p.overdue && <Tag color="red">{t('overdue')}</Tag>}
                {p.late && p.state === 'PAID' && <Tag color="orange">{t('late')}</Tag>}
              </Space>
            ),
          },
          { title: t('paidOn'), dataIndex: 'paidOn', render: (d: string | null) => formatDate(d) },
          {
            title: t('actions'),
            key: 'actions',
            render: (_: unknown, p) =>
              p.allowedActions.includes('pay') ? (
                <Button
                  size="small"
                  type="primary"
                  onClick={() => {
                    pay.reset();
                    setPaidOn(today ? dayjs(today) : null);
                    setPaying(p);
                  }}
                >
                  {t('pay')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        title={t('pay')}
        open={paying !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        okButtonProps={{ disabled: !paidOn }}
        confirmLoading={pay.isPending}
        onCancel={() => setPaying(null)}
        onOk={() => paying && paidOn && pay.mutate({ p: paying, date: paidOn.format('YYYY-MM-DD') })}
      >
        {pay.error && <Alert type="error" role="alert" title={refusalOf(pay.error)} style={{ marginBottom: 12 }} />}
        <Space>
          <label htmlFor="paid-on">{t('paidOn')}</label>
          <DatePicker id="paid-on" value={paidOn} onChange={setPaidOn} />
        </Space>
      </Modal>
    </Card>
  );
}
