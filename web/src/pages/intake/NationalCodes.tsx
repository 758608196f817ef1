import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { useList } from '../../lib/lists';

type NationalCode = Schemas['NationalCodeView'];
type Kind = NationalCode['kind'];
const KINDS: Kind[] = ['insutype', 'med_type', 'clr_type'];
const VISIT_TYPES = ['OUTPATIENT', 'INPATIENT', 'CHRONIC_SPECIAL', 'MATERNITY'] as const;

interface Editing {
  kind: Kind;
  code: string;
  name: string;
  counts: boolean;
  visitType: NationalCode['visitType'];
  isNew: boolean;
}

/** The code tables of the national settlement extract, as the API keeps them; ADMIN changes them. */
export default function NationalCodesPage() {
  const { t, code } = useI18n();
  const me = useMe();
  const isAdmin = me.roles.includes('ADMIN');
  const queries = useQueryClient();
  const [kind, setKind] = useState<Kind>('insutype');
  const [editing, setEditing] = useState<Editing | null>(null);
  const list = useList<NationalCode>(['national-codes', kind], () =>
    call(() => api.GET('/api/v1/national-codes', { params: { query: { kind, pageSize: 500 } } })),
  );
  const done = () => void queries.invalidateQueries({ queryKey: ['national-codes'] });
  const save = useMutation({
    mutationFn: (e: Editing) =>
      call(() =>
        api.PUT('/api/v1/national-codes/{kind}/{code}', {
          params: { path: { kind: e.kind, code: e.code } },
          body: { name: e.name, counts: e.counts, visitType: e.kind === 'med_type' ? e.visitType : null },
        }),
      ),
    onSuccess: () => {
      setEditing(null);
      done();
    },
  });
  const remove = useMutation({
    mutationFn: (c: NationalCode) =>
      call(() => api.DELETE('/api/v1/national-codes/{kind}/{code}', { params: { path: { kind: c.kind, code: c.code } } })),
    onSuccess: done,
  });
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('nationalCodes')}</h1>}>
      <p>{t('codesIntro')}</p>
      <Space style={{ marginBottom: 12 }}>
        <Select<Kind>
          aria-label={t('codeKind')}
          value={kind}
          style={{ width: 240 }}
          onChange={setKind}
          options={KINDS.map((k) => ({ value: k, label: code(k) }))}
        />
        {isAdmin && (
          <Button type="primary" onClick={() => setEditing({ kind, code: '', name: '', counts: false, visitType: null, isNew: true })}>
            {t('addCode')}
          </Button>
        )}
      </Space>
      {list.error && <Alert type="error" role="alert" title={refusalOf(list.error)} />}
      {remove.error && <Alert type="error" role="alert" title={refusalOf(remove.error)} />}
      <Table<NationalCode>
        data-testid="national-codes"
        rowKey={(c) => `${c.kind}/${c.code}`}
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('codeValue'), dataIndex: 'code' },
          { title: t('codeName'), dataIndex: 'name' },
          { title: t('codeCounts'), dataIndex: 'counts', render: (v: boolean) => (v ? t('yes') : t('no')) },
          ...(kind === 'med_type'
            ? [{ title: t('codeVisitType'), dataIndex: 'visitType', render: (v: string | null) => (v ? code(v) : '') }]
            : []),
          ...(isAdmin
            ? [
                {
                  title: t('natActions'),
                  key: 'actions',
                  render: (_: unknown, c: NationalCode) => (
                    <Space>
                      <Button onClick={() => setEditing({ ...c, isNew: false })}>{t('editCode')}</Button>
                      <Popconfirm title={`${t('deleteCode')} ${c.code}?`} onConfirm={() => remove.mutate(c)}>
                        <Button danger>{t('deleteCode')}</Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing?.isNew ? t('addCode') : `${t('editCode')} ${editing?.code ?? ''}`}
        okText={t('natSave')}
        cancelText={t('natCancel')}
        confirmLoading={save.isPending}
        onCancel={() => setEditing(null)}
        onOk={() => editing && save.mutate(editing)}
      >
        {save.error && <Alert type="error" role="alert" title={refusalOf(save.error)} />}
        {editing && (
          <Form layout="vertical">
            <Form.Item label={t('codeValue')} htmlFor="code-value">
              <Input
                id="code-value"
                value={editing.code}
                disabled={!editing.isNew}
                onChange={(e) => setEditing({ ...editing, code: e.target.value.trim() })}
              />
            </Form.Item>
            <Form.Item label={t('codeName')} htmlFor="code-name">
              <Input id="code-name" value={editing.name} onChange={(e) => setEditing({ ...editing, name: e.target.value })} />
            </Form.Item>
            <Form.Item label={t('codeCounts')} htmlFor="code-counts">
              <Switch id="code-counts" checked={editing.counts} onChange={(v) => setEditing({ ...editing, counts: v })} />
            </Form.Item>
            {editing.kind === 'med_type' && (
              <Form.Item label={t('codeVisitType')} htmlFor="code-visit">
                <Select
                  id="code-visit"
                  allowClear
                  value={editing.visitType ?? undefined}
                  onChange={(v) => setEditing({ ...editing, visitType: (v ?? null) as NationalCode['visitType'] })}
                  options={VISIT_TYPES.map((v) => ({ value: v, label: code(v) }))}
                />
              </Form.Item>
            )}
          </Form>
        )}
      </Modal>
    </Card>
  );
}
