import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Drawer, Form, Segmented, Space, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { refusalOf, useToday } from '../../lib/context';
import { formatDate, formatYuan } from '../../lib/format';
import { read } from './api';
import type { PrivatePaymentView } from './views';

/** One private payment: the API's figures, and recording the payment where the API offers it. */
function PaymentDetail({ id, onClose }: { id: number; onClose: () => void }) {
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const today = useToday();
  const [form] = Form.useForm<{ paidOn: dayjs.Dayjs }>();
  const payment = useQuery({
    queryKey: ['private-payment', id],
    queryFn: () => read<PrivatePaymentView>(() => api.GET('/api/v1/private-payments/{id}', { params: { path: { id } } })),
  });
  const pay = useMutation({
    mutationFn: (paidOn: string) =>
      read<PrivatePaymentView>(() =>
        api.POST('/api/v1/private-payments/{id}/payment', { params: { path: { id } }, body: { version: payment.data!.version, paidOn } }),
      ),
    onSuccess: () => {
      void message.success(t('done'));
      void queries.invalidateQueries({ queryKey: ['private-payment', id] });
      void queries.invalidateQueries({ queryKey: ['private-payments'] });
    },
  });
  const p = payment.data;
  return (
    <Drawer open title={`${t('buPrivatePayment')} #${id}`} width={560} onClose={onClose}>
      {(payment.error ?? pay.error) && (
        <Alert type="error" role="alert" title={refusalOf(payment.error ?? pay.error)} style={{ marginBottom: 12 }} />
      )}
      {p && (
        <>
          <Descriptions bordered size="small" column={1} data-testid="private-payment">
            <Descriptions.Item label={t('institution')}>{p.institutionCode}</Descriptions.Item>
            <Descriptions.Item label={t('period')}>{p.period}</Descriptions.Item>
            <Descriptions.Item label={t('claim')}>
              <Link to={`/claims/${p.claimId}`}>#{p.claimId}</Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('state')}>
              <Tag>{code(p.state)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('buAnnualBudget')}>{formatYuan(p.annualBudget)}</Descriptions.Item>
            <Descriptions.Item label={t('approved')}>{formatYuan(p.approved)}</Descriptions.Item>
            <Descriptions.Item label={t('buApprovedToDate')}>{formatYuan(p.approvedToDate)}</Descriptions.Item>
            <Descriptions.Item label={t('buCumulativeCap')}>{formatYuan(p.cumulativeCap)}</Descriptions.Item>
            <Descriptions.Item label={t('funded')}>{formatYuan(p.funded)}</Descriptions.Item>
            <Descriptions.Item label={t('buDeposit')}>{formatYuan(p.deposit)}</Descriptions.Item>
            <Descriptions.Item label={t('buCash')}>{formatYuan(p.cash)}</Descriptions.Item>
            <Descriptions.Item label={t('buUnfundedToDate')}>{formatYuan(p.unfundedToDate)}</Descriptions.Item>
            <Descriptions.Item label={t('approvedBy')}>{p.approvedBy}</Descriptions.Item>
            <Descriptions.Item label={t('paidOn')}>{formatDate(p.paidOn)}</Descriptions.Item>
            <Descriptions.Item label={t('buPaidBy')}>{p.paidBy ?? '—'}</Descriptions.Item>
          </Descriptions>
          {p.allowedActions.includes('pay') && (
            <Form
              form={form}
              layout="inline"
              style={{ marginTop: 16 }}
              initialValues={{ paidOn: today ? dayjs(today) : undefined }}
              onFinish={(v) => pay.mutate(v.paidOn.format('YYYY-MM-DD'))}
            >
              <Form.Item label={t('paidOn')} name="paidOn" rules={[{ required: true, message: t('dateRequired') }]}>
                <DatePicker />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={pay.isPending}>
                {t('buRecordPayment')}
              </Button>
            </Form>
          )}
        </>
      )}
    </Drawer>
  );
}

/** Private institutions' settled claims: what is approved, funded, withheld and paid. */
export default function PrivatePaymentsPage() {
  const { t, code } = useI18n();
  const [state, setState] = useState<'ALL' | 'APPROVED' | 'PAID'>('ALL');
  const [open, setOpen] = useState<number | null>(null);
  const payments = useQuery({
    queryKey: ['private-payments', state],
    queryFn: async () =>
      (
        await read<{ items: PrivatePaymentView[] }>(() =>
          api.GET('/api/v1/private-payments', { params: { query: { pageSize: 100, ...(state === 'ALL' ? {} : { state }) } } }),
        )
      ).items,
  });
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('buPrivatePayments')}</h1>}
      extra={
        <Space>
          <Link to="/private-budgets">{t('buPrivateBudgets')}</Link>
          <Segmented
            aria-label={t('state')}
            value={state}
            onChange={(v) => setState(v as typeof state)}
            options={[
              { value: 'ALL', label: t('allStatuses') },
              { value: 'APPROVED', label: code('APPROVED') },
              { value: 'PAID', label: code('PAID') },
            ]}
          />
        </Space>
      }
    >
      {payments.error && <Alert type="error" role="alert" title={refusalOf(payments.error)} style={{ marginBottom: 16 }} />}
      <Table<PrivatePaymentView>
        rowKey="id"
        size="small"
        loading={payments.isLoading}
        dataSource={payments.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: '#',
            dataIndex: 'id',
            render: (id: number) => (
              <Button type="link" size="small" onClick={() => setOpen(id)}>
                #{id}
              </Button>
            ),
          },
          { title: t('institution'), dataIndex: 'institutionCode' },
          { title: t('period'), dataIndex: 'period' },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <Tag>{code(s)}</Tag> },
          { title: t('approved'), dataIndex: 'approved', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('funded'), dataIndex: 'funded', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('buDeposit'), dataIndex: 'deposit', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('buCash'), dataIndex: 'cash', align: 'right', render: (v: string) => formatYuan(v) },
          { title: t('paidOn'), dataIndex: 'paidOn', render: (d: string | null) => formatDate(d) },
        ]}
      />
      {open !== null && <PaymentDetail id={open} onClose={() => setOpen(null)} />}
    </Card>
  );
}
