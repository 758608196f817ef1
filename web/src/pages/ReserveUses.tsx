import { useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Radio, Space, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api, call, downloadFile } from '../api/client';
import type { ReserveUseView } from '../api/views';
import { useI18n } from '../app/i18n';
import { useMe } from '../app/session';
import { refusalOf, useInstitution, useToday } from '../lib/context';
import { formatDate, formatYuan } from '../lib/format';
import { useList } from '../lib/lists';
import { ChainStatusTag } from './chain';

interface Application {
  fundYear: number;
  purpose: string;
  amount: string;
  kind: 'PACKAGE_INCREASE' | 'DIRECT_PAYMENT';
  communityCode?: string;
  risk?: string;
  reason: string;
}

/** The county's adjustment-reserve uses; the bureau clerk applies here. */
export default function ReserveUsesPage() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const institution = useInstitution();
  const today = useToday();
  const county = institution.data?.countyCode;
  const [applying, setApplying] = useState(false);
  const [form] = Form.useForm<Application>();
  const kind = Form.useWatch('kind', form);
  const list = useList<ReserveUseView>(['reserve-uses', county], async () =>
    county
      ? ((await call(() =>
          api.GET('/api/v1/counties/{countyCode}/reserve-uses', { params: { path: { countyCode: county }, query: { pageSize: 100 } } }),
        )) as unknown as { items: ReserveUseView[] })
      : { items: [] },
  );
  const apply = useMutation({
    mutationFn: async (a: Application) =>
      (await call(() =>
        api.POST('/api/v1/counties/{countyCode}/reserve-uses', {
          params: { path: { countyCode: county! } },
          body: {
            fundYear: a.fundYear,
            purpose: a.purpose.trim(),
            amount: a.amount.trim(),
            reason: a.reason.trim(),
            target:
              a.kind === 'PACKAGE_INCREASE'
                ? { kind: 'PACKAGE_INCREASE', communityCode: a.communityCode!.trim() }
                : { kind: 'DIRECT_PAYMENT', risk: a.risk!.trim() },
          } as never,
        }),
      )) as unknown as ReserveUseView,
    onSuccess: (use) => {
      setApplying(false);
      void queries.invalidateQueries({ queryKey: ['reserve-uses'] });
      void navigate(`/reserve-uses/${use.id}`);
    },
  });
  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('reserveUses')}</h1>}
      extra={
        <Space>
          <Button
            disabled={!county}
            onClick={() => void downloadFile(`/api/v1/counties/${county}/reserve-uses/export.xlsx`, `${county}-调剂金使用登记簿.xlsx`)}
          >
            {t('downloadXlsx')}
          </Button>
          {me.roles.includes('BUREAU_CLERK') ? (
            <Button
              type="primary"
              // The form opens with the API's fund year and the county: both loaded first.
              disabled={!today || !county}
              onClick={() => {
                apply.reset();
                form.resetFields();
                setApplying(true);
              }}
            >
              {t('apply')}
            </Button>
          ) : null}
        </Space>
      }
    >
      {list.error && <Alert type="error" role="alert" title={refusalOf(list.error)} />}
      <Table<ReserveUseView>
        rowKey="id"
        loading={list.isLoading || institution.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '#', dataIndex: 'id', render: (id: number) => <Link to={`/reserve-uses/${id}`}>#{id}</Link> },
          { title: t('fundYear'), dataIndex: 'fundYear' },
          { title: t('purpose'), dataIndex: 'purpose' },
          { title: t('amount'), dataIndex: 'amount', align: 'right', render: (v: string) => formatYuan(v) },
          {
            title: t('target'),
            dataIndex: 'target',
            render: (tg: ReserveUseView['target']) =>
              tg.kind === 'PACKAGE_INCREASE' ? `${t('packageIncrease')} · ${tg.communityCode}` : `${t('directPayment')} · ${tg.risk}`,
          },
          { title: t('chainStatus'), key: 'status', render: (_: unknown, u) => <ChainStatusTag status={u.chain.status} /> },
          { title: t('createdBy'), dataIndex: 'createdBy' },
          { title: t('createdAt'), dataIndex: 'createdAt', render: (d: string) => formatDate(d) },
          {
            title: t('actions'),
            key: 'todo',
            render: (_: unknown, u) => (u.allowedActions.length ? <Tag color="blue">{t('inbox')}</Tag> : null),
          },
        ]}
      />
      <Modal
        title={t('reserveUse')}
        open={applying}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={apply.isPending}
        onCancel={() => setApplying(false)}
        onOk={() => void form.validateFields().then((v) => apply.mutate(v))}
        destroyOnHidden
        width={560}
      >
        {apply.error && <Alert type="error" role="alert" title={refusalOf(apply.error)} style={{ marginBottom: 12 }} />}
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{
            fundYear: today ? Number(today.slice(0, 4)) : undefined,
            kind: 'PACKAGE_INCREASE',
            communityCode: institution.data?.communityCode ?? undefined,
          }}
        >
          <Form.Item label={t('fundYear')} name="fundYear" rules={[{ required: true, message: t('required') }]}>
            <InputNumber min={2000} max={2100} />
          </Form.Item>
          <Form.Item label={t('purpose')} name="purpose" rules={required}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={`${t('amount')}（元）`} name="amount" rules={required}>
            <Input inputMode="decimal" placeholder="3000000.00" />
          </Form.Item>
          <Form.Item label={t('target')} name="kind">
            <Radio.Group
              options={[
                { value: 'PACKAGE_INCREASE', label: t('packageIncrease') },
                { value: 'DIRECT_PAYMENT', label: t('directPayment') },
              ]}
            />
          </Form.Item>
          {kind === 'DIRECT_PAYMENT' ? (
            <Form.Item label={t('risk')} name="risk" rules={required}>
              <Input maxLength={200} />
            </Form.Item>
          ) : (
            <Form.Item label={t('community')} name="communityCode" rules={required}>
              <Input placeholder="WS-MC" />
            </Form.Item>
          )}
          <Form.Item label={t('applicationReason')} name="reason" rules={required}>
            <Input.TextArea maxLength={2000} rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
