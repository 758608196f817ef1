import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Space, Spin } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatDate } from '../../lib/format';
import { ActiveTag, type Institution } from './Registry';

interface Change {
  name: string;
  communityCode?: string;
  parentCode?: string;
}

/** One institution of the registry: its record, and for the administrator edit and deactivate. */
export default function InstitutionPage() {
  const code = useParams().code!;
  const { t, code: codeName } = useI18n();
  const { message } = App.useApp();
  const me = useMe();
  const admin = me.roles.includes('ADMIN');
  const queries = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<Change>();
  const record = useQuery({
    queryKey: ['registry', 'institution', code],
    queryFn: () => call(() => api.GET('/api/v1/institutions/{code}', { params: { path: { code } } })),
  });
  const done = () => {
    setEditing(false);
    void queries.invalidateQueries({ queryKey: ['registry'] });
    void message.success(t('regSaved'));
  };
  const save = useMutation({
    mutationFn: (v: Change) =>
      call(() =>
        api.PATCH('/api/v1/institutions/{code}', {
          params: { path: { code } },
          body: {
            version: record.data!.version,
            name: v.name.trim(),
            communityCode: v.communityCode?.trim() || undefined,
            parentCode: v.parentCode?.trim() || undefined,
          },
        }),
      ),
    onSuccess: done,
  });
  const deactivate = useMutation({
    mutationFn: () =>
      call(() =>
        api.POST('/api/v1/institutions/{code}/deactivate', { params: { path: { code } }, body: { version: record.data!.version } }),
      ),
    onSuccess: done,
  });
  if (record.isLoading) return <Spin />;
  if (record.error || !record.data) return <Alert type="error" role="alert" title={refusalOf(record.error) ?? 'error'} />;
  const i = record.data as unknown as Institution;
  return (
    <Card
      title={
        <h1 style={{ fontSize: 18, margin: 0 }}>
          {i.name} · {i.code}
        </h1>
      }
      extra={<Link to="/admin/registry">{t('back')}</Link>}
    >
      {deactivate.error && <Alert type="error" role="alert" title={refusalOf(deactivate.error)} style={{ marginBottom: 12 }} />}
      <Descriptions bordered size="small" column={2} data-testid="institution">
        <Descriptions.Item label={t('regCode')}>{i.code}</Descriptions.Item>
        <Descriptions.Item label={t('regName')}>{i.name}</Descriptions.Item>
        <Descriptions.Item label={t('institutionType')}>{codeName(i.type)}</Descriptions.Item>
        <Descriptions.Item label={t('primaryUnit')}>{i.primary ? t('yesText') : t('noText')}</Descriptions.Item>
        <Descriptions.Item label={t('county')}>{i.countyCode}</Descriptions.Item>
        <Descriptions.Item label={t('community')}>{i.communityCode ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('parentUnit')}>{i.parentCode ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('activeState')}>
          <ActiveTag active={i.active} />
        </Descriptions.Item>
        <Descriptions.Item label={t('version')}>{i.version}</Descriptions.Item>
        <Descriptions.Item label={t('createdAt')}>{formatDate(i.createdAt)}</Descriptions.Item>
      </Descriptions>
      {admin && i.active && (
        <Space style={{ marginTop: 16 }}>
          <Button
            type="primary"
            onClick={() => {
              save.reset();
              form.setFieldsValue({ name: i.name, communityCode: i.communityCode ?? undefined, parentCode: i.parentCode ?? undefined });
              setEditing(true);
            }}
          >
            {t('editRecord')}
          </Button>
          <Popconfirm title={t('deactivateConfirm')} okText={t('confirm')} cancelText={t('cancel')} onConfirm={() => deactivate.mutate()}>
            <Button danger loading={deactivate.isPending}>
              {t('deactivateRecord')}
            </Button>
          </Popconfirm>
        </Space>
      )}
      <Modal
        title={t('editRecord')}
        open={editing}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={save.isPending}
        onCancel={() => setEditing(false)}
        onOk={() => void form.validateFields().then((v) => save.mutate(v))}
        forceRender
      >
        {save.error && <Alert type="error" role="alert" title={refusalOf(save.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} name="institution-edit" layout="vertical">
          <Form.Item label={t('regName')} name="name" rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={t('community')} name="communityCode">
            <Input />
          </Form.Item>
          <Form.Item label={t('parentUnit')} name="parentCode">
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
