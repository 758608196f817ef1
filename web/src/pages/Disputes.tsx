import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api, call, downloadFile } from '../api/client';
import { DISPUTE_SUBJECTS, type DisputeView } from '../api/views';
import { useI18n } from '../app/i18n';
import { useMe } from '../app/session';
import { refusalOf, useCommunityChoice } from '../lib/context';
import { formatDate } from '../lib/format';
import { useList } from '../lib/lists';
import { ChainStatusTag } from './chain';

interface Filing {
  subjectType: (typeof DISPUTE_SUBJECTS)[number];
  subjectRef: string;
  description: string;
}

/** A community's disputes and reviews; a member unit files one here. */
export default function DisputesPage() {
  const { t, code } = useI18n();
  const me = useMe();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const { community, options, choose: setChosen } = useCommunityChoice();
  const [filing, setFiling] = useState(false);
  const [form] = Form.useForm<Filing>();
  const list = useList<DisputeView>(['disputes', community], async () =>
    community
      ? ((await call(() =>
          api.GET('/api/v1/communities/{communityCode}/disputes', {
            params: { path: { communityCode: community }, query: { pageSize: 100 } },
          } as never),
        )) as unknown as { items: DisputeView[] })
      : { items: [] },
  );
  const file = useMutation({
    mutationFn: async (f: Filing) =>
      (await call(() =>
        api.POST('/api/v1/disputes', {
          body: { subjectType: f.subjectType, subjectRef: f.subjectRef.trim(), description: f.description.trim() },
        } as never),
      )) as unknown as DisputeView,
    onSuccess: (d) => {
      setFiling(false);
      void queries.invalidateQueries({ queryKey: ['disputes'] });
      void navigate(`/disputes/${d.id}`);
    },
  });
  const required = [{ required: true, whitespace: true, message: t('required') }];
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('disputes')}</h1>}
      extra={
        <Space>
          <label htmlFor="dispute-community">{t('community')}</label>
          <Select id="dispute-community" style={{ minWidth: 240 }} value={community} options={options} onChange={setChosen} />
          <Button
            disabled={!community}
            onClick={() => void downloadFile(`/api/v1/communities/${community}/disputes/export.xlsx`, `${community}-评审登记簿.xlsx`)}
          >
            {t('downloadXlsx')}
          </Button>
          {(me.roles.includes('MEMBER_CLERK') || me.roles.includes('LEAD_FINANCE')) && (
            <Button
              type="primary"
              onClick={() => {
                file.reset();
                form.resetFields();
                setFiling(true);
              }}
            >
              {t('fileDispute')}
            </Button>
          )}
        </Space>
      }
    >
      {list.error && <Alert type="error" role="alert" title={refusalOf(list.error)} />}
      <Table<DisputeView>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '#', dataIndex: 'id', render: (id: number) => <Link to={`/disputes/${id}`}>#{id}</Link> },
          { title: t('kind'), dataIndex: 'kind', render: (k: string) => code(k) },
          { title: t('subjectType'), key: 'subject', render: (_: unknown, d) => `${code(d.subject.type)} · ${d.subject.reference}` },
          { title: t('filedBy'), dataIndex: 'filedBy' },
          { title: t('chainStatus'), key: 'status', render: (_: unknown, d) => <ChainStatusTag status={d.chain.status} /> },
          {
            title: t('rectificationDeadline'),
            key: 'deadline',
            render: (_: unknown, d) => (
              <Space size={4}>
                {formatDate(d.opinion?.rectificationDeadline)}
                {d.overdueOn && <Tag color="red">{t('overdue')}</Tag>}
              </Space>
            ),
          },
          { title: t('createdAt'), dataIndex: 'createdAt', render: (d: string) => formatDate(d) },
        ]}
      />
      <Modal
        title={t('fileDispute')}
        open={filing}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={file.isPending}
        onCancel={() => setFiling(false)}
        onOk={() => void form.validateFields().then((v) => file.mutate(v))}
        destroyOnHidden
      >
        {file.error && <Alert type="error" role="alert" title={refusalOf(file.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" preserve={false} initialValues={{ subjectType: 'DEDUCTION' }}>
          <Form.Item label={t('subjectType')} name="subjectType" rules={[{ required: true, message: t('required') }]}>
            <Select options={DISPUTE_SUBJECTS.map((s) => ({ value: s, label: code(s) }))} />
          </Form.Item>
          <Form.Item label={t('subjectRef')} name="subjectRef" rules={required}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={t('description')} name="description" rules={required}>
            <Input.TextArea maxLength={4000} rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
