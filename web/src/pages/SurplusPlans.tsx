import { useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api, call, downloadFile } from '../api/client';
import type { SurplusPlanView } from '../api/views';
import { useI18n } from '../app/i18n';
import { useMe } from '../app/session';
import { refusalOf, useCommunityChoice, useToday } from '../lib/context';
import { formatDate, formatYuan } from '../lib/format';
import { useList } from '../lib/lists';
import { ChainStatusTag } from './chain';

/** A community's surplus plans (结余资金分配方案); lead finance drafts one from the year end's default proposal. */
export default function SurplusPlansPage() {
  const { t } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const today = useToday();
  const { community, options, choose } = useCommunityChoice();
  const [drafting, setDrafting] = useState(false);
  const [form] = Form.useForm<{ fundYear: number; councilDecision: string }>();
  const list = useList<SurplusPlanView>(['surplus-plans', community], async () =>
    community
      ? ((await call(() =>
          api.GET('/api/v1/communities/{communityCode}/surplus-plans', {
            params: { path: { communityCode: community }, query: { pageSize: 100 } },
          }),
        )) as unknown as { items: SurplusPlanView[] })
      : { items: [] },
  );
  const draft = useMutation({
    mutationFn: async (d: { fundYear: number; councilDecision: string }) =>
      (await call(() =>
        api.POST('/api/v1/communities/{communityCode}/surplus-plans', {
          params: { path: { communityCode: community! } },
          body: { fundYear: d.fundYear, councilDecision: d.councilDecision.trim() },
        }),
      )) as unknown as SurplusPlanView,
    onSuccess: (plan) => {
      setDrafting(false);
      void queries.invalidateQueries({ queryKey: ['surplus-plans'] });
      void navigate(`/surplus-plans/${plan.id}`);
    },
  });
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('surplusPlans')}</h1>}
      extra={
        <Space>
          {options.length > 1 && (
            <Select
              aria-label={t('community')}
              style={{ minWidth: 240 }}
              value={community ?? undefined}
              options={options}
              onChange={choose}
            />
          )}
          <Button
            disabled={!community}
            onClick={() =>
              void downloadFile(`/api/v1/communities/${community}/surplus-plans/export.xlsx`, `${community}-结余资金分配方案登记簿.xlsx`)
            }
          >
            {t('downloadXlsx')}
          </Button>
          {me.roles.includes('LEAD_FINANCE') && (
            <Button
              type="primary"
              onClick={() => {
                draft.reset();
                form.resetFields();
                setDrafting(true);
              }}
            >
              {t('draftSurplusPlan')}
            </Button>
          )}
        </Space>
      }
    >
      <Table
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('id'), dataIndex: 'id', render: (id: number) => <Link to={`/surplus-plans/${id}`}>#{id}</Link> },
          { title: t('fundYear'), dataIndex: 'fundYear' },
          { title: t('surplus'), dataIndex: 'surplus', align: 'right', render: formatYuan },
          { title: t('councilDecision'), dataIndex: 'councilDecision' },
          { title: t('chainStatus'), render: (_: unknown, p: SurplusPlanView) => <ChainStatusTag status={p.chain.status} /> },
          { title: t('executedOn'), dataIndex: 'executedOn', render: formatDate },
        ]}
      />
      <Modal
        title={t('draftSurplusPlan')}
        open={drafting}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={draft.isPending}
        onCancel={() => setDrafting(false)}
        onOk={() => void form.validateFields().then((v) => draft.mutate(v))}
        destroyOnHidden
      >
        <p>{t('surplusPlanHint')}</p>
        {draft.error && <Alert type="error" role="alert" title={refusalOf(draft.error)} style={{ marginBottom: 12 }} />}
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ fundYear: today ? Number(today.slice(0, 4)) - 1 : undefined }}
        >
          <Form.Item label={t('fundYear')} name="fundYear" rules={[{ required: true, message: t('required') }]}>
            <InputNumber min={2000} max={2100} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item
            label={t('councilDecision')}
            name="councilDecision"
            rules={[{ required: true, whitespace: true, message: t('required') }]}
          >
            <Input maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
