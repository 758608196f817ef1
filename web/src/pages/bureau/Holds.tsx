import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatDate } from '../../lib/format';
import { read, useCommunities } from './api';
import type { HoldView } from './views';

const BUREAU = ['BUREAU_CLERK', 'BUREAU_APPROVER'];

/** A community's disbursement holds (暂缓拨付): the bureau places one with a reason and lifts it with a note. */
export default function HoldsPage() {
  const { t, code } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const communities = useCommunities();
  const [chosen, setChosen] = useState<string | undefined>();
  const community = chosen ?? communities.data?.[0]?.code;
  const [asking, setAsking] = useState<{ kind: 'place' } | { kind: 'lift'; hold: HoldView } | null>(null);
  const [form] = Form.useForm<{ text: string }>();
  const holds = useQuery({
    queryKey: ['holds', community],
    enabled: !!community,
    queryFn: async () =>
      (
        await read<{ items: HoldView[] }>(() =>
          api.GET('/api/v1/communities/{communityCode}/holds', {
            params: { path: { communityCode: community! }, query: { pageSize: 100 } },
          }),
        )
      ).items,
  });
  const act = useMutation({
    mutationFn: (text: string) =>
      asking?.kind === 'lift'
        ? read<HoldView>(() =>
            api.POST('/api/v1/holds/{id}/lift', {
              params: { path: { id: asking.hold.id } },
              body: { version: asking.hold.version, note: text },
            }),
          )
        : read<HoldView>(() =>
            api.POST('/api/v1/communities/{communityCode}/holds', {
              params: { path: { communityCode: community! } },
              body: { reason: text },
            }),
          ),
    onSuccess: () => {
      setAsking(null);
      void message.success(t('done'));
      void queries.invalidateQueries({ queryKey: ['holds'] });
    },
  });
  const open = (next: NonNullable<typeof asking>) => {
    act.reset();
    form.resetFields();
    setAsking(next);
  };
  const active = (holds.data ?? []).some((h) => h.state === 'ACTIVE');
  return (
    <Card
      title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('buHolds')}</h1>}
      extra={
        <Space>
          <Select
            aria-label={t('community')}
            style={{ minWidth: 200 }}
            value={community}
            onChange={setChosen}
            loading={communities.isLoading}
            options={(communities.data ?? []).map((c) => ({ value: c.code, label: `${c.code} · ${c.name}` }))}
          />
          {me.roles.some((r) => BUREAU.includes(r)) && (
            <Button type="primary" danger disabled={!community || active} onClick={() => open({ kind: 'place' })}>
              {t('buPlaceHold')}
            </Button>
          )}
        </Space>
      }
    >
      {(holds.error ?? communities.error) && <Alert type="error" role="alert" title={refusalOf(holds.error ?? communities.error)} />}
      <Table<HoldView>
        rowKey="id"
        size="small"
        loading={holds.isLoading}
        dataSource={holds.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: '#', dataIndex: 'id' },
          { title: t('community'), dataIndex: 'communityCode' },
          { title: t('state'), dataIndex: 'state', render: (s: string) => <Tag color={s === 'ACTIVE' ? 'red' : 'default'}>{code(s)}</Tag> },
          { title: t('buHoldReason'), dataIndex: 'reason' },
          { title: t('buPlacedBy'), dataIndex: 'placedBy' },
          { title: t('buPlacedAt'), dataIndex: 'placedAt', render: (d: string) => formatDate(d) },
          { title: t('buLiftedBy'), dataIndex: 'liftedBy', render: (v: string | null) => v ?? '—' },
          { title: t('buLiftedAt'), dataIndex: 'liftedAt', render: (d: string | null) => formatDate(d) },
          { title: t('buLiftNote'), dataIndex: 'liftNote', render: (v: string | null) => v ?? '—' },
          {
            title: t('actions'),
            key: 'actions',
            render: (_: unknown, h) =>
              h.allowedActions.includes('lift') ? (
                <Button size="small" onClick={() => open({ kind: 'lift', hold: h })}>
                  {t('buLiftHold')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        title={asking?.kind === 'lift' ? t('buLiftHold') : `${t('buPlaceHold')} · ${community ?? ''}`}
        open={asking !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={act.isPending}
        onCancel={() => setAsking(null)}
        onOk={() => void form.validateFields().then((v) => act.mutate(v.text.trim()))}
        destroyOnHidden
      >
        {act.error && <Alert type="error" role="alert" title={refusalOf(act.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            label={asking?.kind === 'lift' ? t('buLiftNote') : t('buHoldReason')}
            name="text"
            rules={[{ required: true, whitespace: true, message: t('required') }]}
          >
            <Input.TextArea maxLength={500} rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
