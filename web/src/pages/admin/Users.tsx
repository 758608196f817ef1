import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { formatDate } from '../../lib/format';
import { useList } from '../../lib/lists';
import { ActiveTag } from './Registry';

type Role = Schemas['CreateUserDto']['roles'][number];

export const ROLES: Role[] = [
  'ADMIN',
  'BUREAU_CLERK',
  'BUREAU_APPROVER',
  'LEAD_FINANCE',
  'MEMBER_CLERK',
  'VILLAGE_CLERK',
  'PRIVATE_CLERK',
  'APPROVER',
  'AUDITOR',
];

/** A user as GET /users answers it. */
type UserView = Schemas['UserResponse'];

/** An API token as GET /api-tokens answers it (the token itself is never shown again). */
type TokenView = Schemas['ApiTokenResponse'];

const MIN_PASSWORD = 10;

function RoleTags({ roles }: { roles: readonly string[] }) {
  const { code } = useI18n();
  return (
    <>
      {roles.map((r) => (
        <Tag key={r}>{code(r)}</Tag>
      ))}
    </>
  );
}

interface UserForm {
  username: string;
  displayName: string;
  institutionCode: string;
  roles: Role[];
  password: string;
  active: boolean;
}

function Users({ admin }: { admin: boolean }) {
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [institution, setInstitution] = useState<string | undefined>();
  const [editing, setEditing] = useState<UserView | 'new' | null>(null);
  const [resetting, setResetting] = useState<UserView | null>(null);
  const [form] = Form.useForm<UserForm>();
  const [passwordForm] = Form.useForm<{ password: string }>();
  const list = useList<UserView>(
    ['users', institution],
    async () =>
      (await call(() => api.GET('/api/v1/users', { params: { query: { pageSize: 100, institutionCode: institution } } }))) as unknown as {
        items: UserView[];
      },
  );
  const save = useMutation({
    mutationFn: (v: UserForm) => {
      if (editing === 'new')
        return call(() =>
          api.POST('/api/v1/users', {
            body: {
              username: v.username.trim(),
              displayName: v.displayName.trim(),
              institutionCode: v.institutionCode.trim(),
              roles: v.roles,
              password: v.password,
            },
          }),
        );
      const u = editing as UserView;
      return call(() =>
        api.PATCH('/api/v1/users/{username}', {
          params: { path: { username: u.username } },
          body: { version: u.version, displayName: v.displayName.trim(), roles: v.roles, active: v.active },
        }),
      );
    },
    onSuccess: () => {
      setEditing(null);
      void queries.invalidateQueries({ queryKey: ['users'] });
      void message.success(t('regSaved'));
    },
  });
  const reset = useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) =>
      call(() => api.POST('/api/v1/users/{username}/password', { params: { path: { username } }, body: { password } })),
    onSuccess: () => {
      setResetting(null);
      void message.success(t('done'));
    },
  });
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={t('institution')}
          placeholder={`${t('institution')} WS-TC-01`}
          allowClear
          onSearch={(v) => setInstitution(v.trim() || undefined)}
          style={{ width: 220 }}
        />
        {admin && (
          <Button
            type="primary"
            onClick={() => {
              save.reset();
              form.resetFields();
              setEditing('new');
            }}
          >
            {t('newUser')}
          </Button>
        )}
      </Space>
      {list.error && <Alert type="error" role="alert" title={refusalOf(list.error)} />}
      <Table<UserView>
        rowKey="username"
        size="small"
        data-testid="users"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('username'), dataIndex: 'username' },
          { title: t('displayName'), dataIndex: 'displayName' },
          { title: t('institution'), dataIndex: 'institutionCode' },
          { title: t('userRoles'), dataIndex: 'roles', render: (r: string[]) => <RoleTags roles={r} /> },
          { title: t('activeState'), dataIndex: 'active', render: (a: boolean) => <ActiveTag active={a} /> },
          ...(admin
            ? [
                {
                  title: t('actions'),
                  key: 'actions',
                  render: (_: unknown, u: UserView) => (
                    <Space>
                      <Button
                        size="small"
                        onClick={() => {
                          save.reset();
                          form.setFieldsValue({ ...u, password: '' });
                          setEditing(u);
                        }}
                      >
                        {t('editRecord')}
                      </Button>
                      <Button
                        size="small"
                        onClick={() => {
                          reset.reset();
                          passwordForm.resetFields();
                          setResetting(u);
                        }}
                      >
                        {t('resetPassword')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        title={editing === 'new' ? t('newUser') : t('editUser')}
        open={editing !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={save.isPending}
        onCancel={() => setEditing(null)}
        onOk={() => void form.validateFields().then((v) => save.mutate(v))}
        forceRender
      >
        {save.error && <Alert type="error" role="alert" title={refusalOf(save.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} name="user" layout="vertical" initialValues={{ roles: [], active: true }}>
          <Form.Item label={t('username')} name="username" rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input disabled={editing !== 'new'} placeholder="ws.tc02.clerk" autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('displayName')} name="displayName" rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={t('institution')} name="institutionCode" rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input disabled={editing !== 'new'} placeholder="WS-TC-02" />
          </Form.Item>
          <Form.Item label={t('userRoles')} name="roles" rules={[{ required: true, message: t('required') }]}>
            <Select mode="multiple" options={ROLES.map((r) => ({ value: r, label: code(r) }))} />
          </Form.Item>
          {editing === 'new' ? (
            <Form.Item
              label={t('password')}
              name="password"
              rules={[{ required: true, min: MIN_PASSWORD, message: t('passwordTooShort') }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          ) : (
            <Form.Item label={t('activeState')} name="active" valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Form>
      </Modal>
      <Modal
        title={`${t('resetPassword')} · ${resetting?.username ?? ''}`}
        open={resetting !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={reset.isPending}
        onCancel={() => setResetting(null)}
        onOk={() => void passwordForm.validateFields().then((v) => reset.mutate({ username: resetting!.username, password: v.password }))}
        forceRender
      >
        {reset.error && <Alert type="error" role="alert" title={refusalOf(reset.error)} style={{ marginBottom: 12 }} />}
        <Form form={passwordForm} name="password-reset" layout="vertical">
          <Form.Item
            label={t('newPassword')}
            name="password"
            rules={[{ required: true, min: MIN_PASSWORD, message: t('passwordTooShort') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

interface TokenForm {
  name: string;
  institutionCode: string;
  roles: Role[];
}

function Tokens({ admin }: { admin: boolean }) {
  const { t, code } = useI18n();
  const queries = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [form] = Form.useForm<TokenForm>();
  const list = useList<TokenView>(
    ['api-tokens'],
    async () =>
      (await call(() => api.GET('/api/v1/api-tokens', { params: { query: { pageSize: 100 } } }))) as unknown as { items: TokenView[] },
  );
  const create = useMutation({
    mutationFn: async (v: TokenForm) =>
      (await call(() =>
        api.POST('/api/v1/api-tokens', { body: { name: v.name.trim(), institutionCode: v.institutionCode.trim(), roles: v.roles } }),
      )) as unknown as TokenView & { token: string },
    onSuccess: (token) => {
      setCreating(false);
      setCreated(token.token);
      void queries.invalidateQueries({ queryKey: ['api-tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => call(() => api.POST('/api/v1/api-tokens/{id}/revoke', { params: { path: { id } } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['api-tokens'] }),
  });
  return (
    <>
      {admin && (
        <Button
          type="primary"
          style={{ marginBottom: 12 }}
          onClick={() => {
            create.reset();
            form.resetFields();
            setCreating(true);
          }}
        >
          {t('newToken')}
        </Button>
      )}
      {(list.error || revoke.error) && <Alert type="error" role="alert" title={refusalOf(list.error ?? revoke.error)} />}
      <Table<TokenView>
        rowKey="id"
        size="small"
        data-testid="api-tokens"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('tokenName'), dataIndex: 'name' },
          { title: t('institution'), dataIndex: 'institutionCode' },
          { title: t('userRoles'), dataIndex: 'roles', render: (r: string[]) => <RoleTags roles={r} /> },
          { title: t('createdBy'), dataIndex: 'createdBy' },
          { title: t('createdAt'), dataIndex: 'createdAt', render: (d: string) => formatDate(d) },
          { title: t('revokedAt'), dataIndex: 'revokedAt', render: (d: string | null) => formatDate(d) },
          ...(admin
            ? [
                {
                  title: t('actions'),
                  key: 'actions',
                  render: (_: unknown, tk: TokenView) =>
                    tk.revokedAt ? null : (
                      <Popconfirm
                        title={t('revokeConfirm')}
                        okText={t('confirm')}
                        cancelText={t('cancel')}
                        onConfirm={() => revoke.mutate(tk.id)}
                      >
                        <Button size="small" danger>
                          {t('revoke')}
                        </Button>
                      </Popconfirm>
                    ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        title={t('newToken')}
        open={creating}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={create.isPending}
        onCancel={() => setCreating(false)}
        onOk={() => void form.validateFields().then((v) => create.mutate(v))}
        forceRender
      >
        {create.error && <Alert type="error" role="alert" title={refusalOf(create.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} name="api-token" layout="vertical" initialValues={{ roles: [] }}>
          <Form.Item label={t('tokenName')} name="name" rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input maxLength={100} placeholder="南诏镇卫生院 HIS 上传" />
          </Form.Item>
          <Form.Item label={t('institution')} name="institutionCode" rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input placeholder="WS-TC-01" />
          </Form.Item>
          <Form.Item label={t('userRoles')} name="roles" rules={[{ required: true, message: t('required') }]}>
            <Select mode="multiple" options={ROLES.map((r) => ({ value: r, label: code(r) }))} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={t('newToken')}
        open={created !== null}
        onCancel={() => setCreated(null)}
        onOk={() => setCreated(null)}
        cancelText={t('cancel')}
        okText={t('confirm')}
      >
        <Alert type="warning" title={t('tokenShownOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable code data-testid="new-token">
          {created}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}

/** Users and API tokens of the county: the administrator manages them, the auditor reads. */
export default function UsersPage() {
  const { t } = useI18n();
  const me = useMe();
  const admin = me.roles.includes('ADMIN');
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('usersAndTokens')}</h1>}>
      <Tabs
        items={[
          { key: 'users', label: t('userList'), children: <Users admin={admin} /> },
          { key: 'tokens', label: t('apiTokens'), children: <Tokens admin={admin} /> },
        ]}
      />
    </Card>
  );
}
