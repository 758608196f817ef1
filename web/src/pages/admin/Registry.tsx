import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Upload,
} from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api, call, uploadFile, type Schemas } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';
import { useList } from '../../lib/lists';
import { ImportOutcomeView, type ImportOutcome } from './RegistryImport';

// The generator reads the nullable optional fields as objects: they are text or null.
type County = Omit<Schemas['CountyView'], 'regionCode'> & { regionCode: string | null };
type Community = Schemas['CommunityView'];
export type Institution = Omit<Schemas['InstitutionView'], 'communityCode' | 'parentCode'> & {
  communityCode: string | null;
  parentCode: string | null;
};
type InstitutionType = Institution['type'];

export const INSTITUTION_TYPES: InstitutionType[] = [
  'BUREAU',
  'LEAD_HOSPITAL',
  'COUNTY_HOSPITAL',
  'TOWNSHIP_CENTER',
  'VILLAGE_CLINIC',
  'PRIVATE_DESIGNATED',
  'FINANCE_BUREAU',
  'PREFECTURE_BUREAU',
  'HEALTH_BUREAU',
  'COUNTY_GOVERNMENT',
  'REVIEW_COMMITTEE',
];

/** Active or deactivated, as the API answers it. */
export function ActiveTag({ active }: { active: boolean }) {
  const { t } = useI18n();
  return active ? <Tag color="blue">{t('activeYes')}</Tag> : <Tag>{t('activeNo')}</Tag>;
}

const required = (message: string) => [{ required: true, whitespace: true, message }];

/** Counties: list, create, rename, deactivate (ADMIN). */
function Counties({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [editing, setEditing] = useState<County | 'new' | null>(null);
  const [form] = Form.useForm<{ code: string; name: string; regionCode?: string }>();
  const list = useList<County>(
    ['registry', 'counties'],
    async () => (await call(() => api.GET('/api/v1/counties', { params: { query: { pageSize: 100 } } }))) as unknown as { items: County[] },
  );
  const done = () => {
    setEditing(null);
    void queries.invalidateQueries({ queryKey: ['registry'] });
    void message.success(t('regSaved'));
  };
  const save = useMutation({
    mutationFn: async (v: { code: string; name: string; regionCode?: string }) => {
      const regionCode = v.regionCode?.trim() || undefined;
      if (editing === 'new')
        return call(() => api.POST('/api/v1/counties', { body: { code: v.code.trim(), name: v.name.trim(), regionCode } }));
      const c = editing as County;
      return call(() =>
        api.PATCH('/api/v1/counties/{code}', {
          params: { path: { code: c.code } },
          body: { version: c.version, name: v.name.trim(), regionCode: (regionCode ?? null) as never },
        }),
      );
    },
    onSuccess: done,
  });
  const deactivate = useMutation({
    mutationFn: (c: County) =>
      call(() => api.POST('/api/v1/counties/{code}/deactivate', { params: { path: { code: c.code } }, body: { version: c.version } })),
    onSuccess: done,
  });
  return (
    <>
      {admin && (
        <Button
          type="primary"
          style={{ marginBottom: 12 }}
          onClick={() => {
            save.reset();
            form.resetFields();
            setEditing('new');
          }}
        >
          {t('newRecord')}
        </Button>
      )}
      {(list.error || deactivate.error) && <Alert type="error" role="alert" title={refusalOf(list.error ?? deactivate.error)} />}
      <Table<County>
        rowKey="code"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('regCode'), dataIndex: 'code' },
          { title: t('regName'), dataIndex: 'name' },
          { title: t('regionCode'), dataIndex: 'regionCode', render: (v: string | null) => v ?? '—' },
          { title: t('activeState'), dataIndex: 'active', render: (a: boolean) => <ActiveTag active={a} /> },
          { title: t('version'), dataIndex: 'version' },
          ...(admin
            ? [
                {
                  title: t('actions'),
                  key: 'actions',
                  render: (_: unknown, c: County) => (
                    <Space>
                      <Button
                        size="small"
                        onClick={() => {
                          save.reset();
                          form.setFieldsValue({ code: c.code, name: c.name, regionCode: c.regionCode ?? undefined });
                          setEditing(c);
                        }}
                      >
                        {t('editRecord')}
                      </Button>
                      {c.active && (
                        <Popconfirm
                          title={t('deactivateConfirm')}
                          okText={t('confirm')}
                          cancelText={t('cancel')}
                          onConfirm={() => deactivate.mutate(c)}
                        >
                          <Button size="small" danger>
                            {t('deactivateRecord')}
                          </Button>
                        </Popconfirm>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        title={editing === 'new' ? t('newRecord') : t('editRecord')}
        open={editing !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={save.isPending}
        onCancel={() => setEditing(null)}
        onOk={() => void form.validateFields().then((v) => save.mutate(v))}
        forceRender
      >
        {save.error && <Alert type="error" role="alert" title={refusalOf(save.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} name="county" layout="vertical">
          <Form.Item label={t('regCode')} name="code" rules={required(t('required'))}>
            <Input disabled={editing !== 'new'} placeholder="WS" />
          </Form.Item>
          <Form.Item label={t('regName')} name="name" rules={required(t('required'))}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={t('regionCode')} name="regionCode">
            <Input maxLength={12} placeholder="532927" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** Medical communities: list, create, rename, deactivate (ADMIN). */
function Communities({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [editing, setEditing] = useState<Community | 'new' | null>(null);
  const [form] = Form.useForm<{ code: string; name: string; countyCode: string }>();
  const list = useList<Community>(['registry', 'communities'], () =>
    call(() => api.GET('/api/v1/communities', { params: { query: { pageSize: 100 } } })),
  );
  const done = () => {
    setEditing(null);
    void queries.invalidateQueries({ queryKey: ['registry'] });
    void message.success(t('regSaved'));
  };
  const save = useMutation({
    mutationFn: async (v: { code: string; name: string; countyCode: string }) => {
      if (editing === 'new')
        return call(() =>
          api.POST('/api/v1/communities', { body: { code: v.code.trim(), name: v.name.trim(), countyCode: v.countyCode.trim() } }),
        );
      const c = editing as Community;
      return call(() =>
        api.PATCH('/api/v1/communities/{code}', { params: { path: { code: c.code } }, body: { version: c.version, name: v.name.trim() } }),
      );
    },
    onSuccess: done,
  });
  const deactivate = useMutation({
    mutationFn: (c: Community) =>
      call(() => api.POST('/api/v1/communities/{code}/deactivate', { params: { path: { code: c.code } }, body: { version: c.version } })),
    onSuccess: done,
  });
  return (
    <>
      {admin && (
        <Button
          type="primary"
          style={{ marginBottom: 12 }}
          onClick={() => {
            save.reset();
            form.resetFields();
            setEditing('new');
          }}
        >
          {t('newRecord')}
        </Button>
      )}
      {(list.error || deactivate.error) && <Alert type="error" role="alert" title={refusalOf(list.error ?? deactivate.error)} />}
      <Table<Community>
        rowKey="code"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('regCode'), dataIndex: 'code' },
          { title: t('regName'), dataIndex: 'name' },
          { title: t('county'), dataIndex: 'countyCode' },
          { title: t('activeState'), dataIndex: 'active', render: (a: boolean) => <ActiveTag active={a} /> },
          { title: t('version'), dataIndex: 'version' },
          ...(admin
            ? [
                {
                  title: t('actions'),
                  key: 'actions',
                  render: (_: unknown, c: Community) => (
                    <Space>
                      <Button
                        size="small"
                        onClick={() => {
                          save.reset();
                          form.setFieldsValue({ code: c.code, name: c.name, countyCode: c.countyCode });
                          setEditing(c);
                        }}
                      >
                        {t('editRecord')}
                      </Button>
                      {c.active && (
                        <Popconfirm
                          title={t('deactivateConfirm')}
                          okText={t('confirm')}
                          cancelText={t('cancel')}
                          onConfirm={() => deactivate.mutate(c)}
                        >
                          <Button size="small" danger>
                            {t('deactivateRecord')}
                          </Button>
                        </Popconfirm>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        title={editing === 'new' ? t('newRecord') : t('editRecord')}
        open={editing !== null}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={save.isPending}
        onCancel={() => setEditing(null)}
        onOk={() => void form.validateFields().then((v) => save.mutate(v))}
        forceRender
      >
        {save.error && <Alert type="error" role="alert" title={refusalOf(save.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} name="community" layout="vertical">
          <Form.Item label={t('regCode')} name="code" rules={required(t('required'))}>
            <Input disabled={editing !== 'new'} placeholder="WS-MC" />
          </Form.Item>
          <Form.Item label={t('regName')} name="name" rules={required(t('required'))}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={t('county')} name="countyCode" rules={required(t('required'))}>
            <Input disabled={editing !== 'new'} placeholder="WS" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

interface InstitutionFilter {
  q?: string;
  type?: InstitutionType;
  communityCode?: string;
  active?: boolean;
}

interface NewInstitution {
  code: string;
  name: string;
  type: InstitutionType;
  countyCode: string;
  communityCode?: string;
  parentCode?: string;
}

/** Institutions: filtered list, create, import from CSV/XLSX (ADMIN). */
function Institutions({ admin }: { admin: boolean }) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [filter, setFilter] = useState<InstitutionFilter>({});
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [form] = Form.useForm<NewInstitution>();
  const list = useList<Institution>(
    ['registry', 'institutions', filter],
    async () =>
      (await call(() =>
        api.GET('/api/v1/institutions', {
          params: {
            query: {
              pageSize: 100,
              q: filter.q?.trim() || undefined,
              type: filter.type,
              communityCode: filter.communityCode,
              active: filter.active,
            },
          },
        }),
      )) as unknown as { items: Institution[] },
  );
  const communities = useList<Community>(['registry', 'communities'], () =>
    call(() => api.GET('/api/v1/communities', { params: { query: { pageSize: 100 } } })),
  );
  const create = useMutation({
    mutationFn: (v: NewInstitution) =>
      call(() =>
        api.POST('/api/v1/institutions', {
          body: {
            code: v.code.trim(),
            name: v.name.trim(),
            type: v.type,
            countyCode: v.countyCode.trim(),
            communityCode: v.communityCode?.trim() || undefined,
            parentCode: v.parentCode?.trim() || undefined,
          },
        }),
      ),
    onSuccess: (i) => {
      setCreating(false);
      void queries.invalidateQueries({ queryKey: ['registry'] });
      void navigate(`/admin/registry/institutions/${encodeURIComponent(i.code)}`);
    },
  });
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={t('searchNameOrCode')}
          placeholder={t('searchNameOrCode')}
          allowClear
          onSearch={(q) => setFilter((f) => ({ ...f, q }))}
          style={{ width: 220 }}
        />
        <label htmlFor="filter-type">{t('institutionType')}</label>
        <Select<InstitutionType>
          id="filter-type"
          allowClear
          style={{ width: 180 }}
          value={filter.type}
          onChange={(type) => setFilter((f) => ({ ...f, type }))}
          options={INSTITUTION_TYPES.map((v) => ({ value: v, label: code(v) }))}
        />
        <label htmlFor="filter-community">{t('community')}</label>
        <Select<string>
          id="filter-community"
          allowClear
          style={{ width: 200 }}
          value={filter.communityCode}
          onChange={(communityCode) => setFilter((f) => ({ ...f, communityCode }))}
          options={(communities.data?.items ?? []).map((c) => ({ value: c.code, label: `${c.code} ${c.name}` }))}
        />
        <label htmlFor="filter-active">{t('activeState')}</label>
        <Select<string>
          id="filter-active"
          style={{ width: 120 }}
          value={filter.active === undefined ? 'all' : String(filter.active)}
          onChange={(v) => setFilter((f) => ({ ...f, active: v === 'all' ? undefined : v === 'true' }))}
          options={[
            { value: 'all', label: t('allStates') },
            { value: 'true', label: t('activeYes') },
            { value: 'false', label: t('activeNo') },
          ]}
        />
        {admin && (
          <>
            <Button
              type="primary"
              onClick={() => {
                create.reset();
                form.resetFields();
                setCreating(true);
              }}
            >
              {t('newRecord')}
            </Button>
            <Button onClick={() => setImporting(true)}>{t('importInstitutions')}</Button>
          </>
        )}
      </Space>
      {list.error && <Alert type="error" role="alert" title={refusalOf(list.error)} />}
      <Table<Institution>
        rowKey="code"
        size="small"
        data-testid="institutions"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          {
            title: t('regCode'),
            dataIndex: 'code',
            render: (c: string) => <Link to={`/admin/registry/institutions/${encodeURIComponent(c)}`}>{c}</Link>,
          },
          { title: t('regName'), dataIndex: 'name' },
          { title: t('institutionType'), dataIndex: 'type', render: (v: string) => code(v) },
          { title: t('community'), dataIndex: 'communityCode', render: (v: string | null) => v ?? '—' },
          { title: t('parentUnit'), dataIndex: 'parentCode', render: (v: string | null) => v ?? '—' },
          { title: t('primaryUnit'), dataIndex: 'primary', render: (p: boolean) => (p ? t('yesText') : t('noText')) },
          { title: t('activeState'), dataIndex: 'active', render: (a: boolean) => <ActiveTag active={a} /> },
        ]}
      />
      <Modal
        title={t('newRecord')}
        open={creating}
        okText={t('confirm')}
        cancelText={t('cancel')}
        confirmLoading={create.isPending}
        onCancel={() => setCreating(false)}
        onOk={() => void form.validateFields().then((v) => create.mutate(v))}
        forceRender
      >
        {create.error && <Alert type="error" role="alert" title={refusalOf(create.error)} style={{ marginBottom: 12 }} />}
        <Form form={form} name="institution-new" layout="vertical">
          <Form.Item label={t('regCode')} name="code" rules={required(t('required'))}>
            <Input placeholder="WS-TC-11" />
          </Form.Item>
          <Form.Item label={t('regName')} name="name" rules={required(t('required'))}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={t('institutionType')} name="type" rules={[{ required: true, message: t('required') }]}>
            <Select options={INSTITUTION_TYPES.map((v) => ({ value: v, label: code(v) }))} />
          </Form.Item>
          <Form.Item label={t('county')} name="countyCode" rules={required(t('required'))}>
            <Input placeholder="WS" />
          </Form.Item>
          <Form.Item label={t('community')} name="communityCode">
            <Input placeholder="WS-MC" />
          </Form.Item>
          <Form.Item label={t('parentUnit')} name="parentCode">
            <Input placeholder="WS-TC-01" />
          </Form.Item>
        </Form>
      </Modal>
      <ImportModal open={importing} onClose={() => setImporting(false)} />
    </>
  );
}

/** The institution import: the file, then the outcome with its row errors (or the queued import's record). */
function ImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [skip, setSkip] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<
    { kind: 'done'; outcome: ImportOutcome & { id?: string } } | { kind: 'refused'; error: Schemas['ApiErrorResponse'] } | null
  >(null);
  const send = async (file: File) => {
    setBusy(true);
    setResult(null);
    try {
      const { status, body } = await uploadFile(`/api/v1/institutions/import${skip ? '?onError=skip' : ''}`, file);
      if (status === 202) {
        onClose();
        void navigate(`/admin/registry/imports/${(body as { id: string }).id}`);
      } else if (status < 300) setResult({ kind: 'done', outcome: body as ImportOutcome & { id?: string } });
      else setResult({ kind: 'refused', error: body as Schemas['ApiErrorResponse'] });
      void queries.invalidateQueries({ queryKey: ['registry'] });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('importInstitutions')}
      open={open}
      onCancel={() => {
        setResult(null);
        onClose();
      }}
      footer={null}
      width={720}
    >
      <Checkbox checked={skip} onChange={(e) => setSkip(e.target.checked)} style={{ marginBottom: 12 }}>
        {t('skipBadRows')}
      </Checkbox>
      <Upload.Dragger
        accept=".csv,.xlsx"
        multiple={false}
        showUploadList={false}
        disabled={busy}
        customRequest={({ file }) => void send(file as File)}
      >
        <p>{t('dragHere')}</p>
        <p style={{ color: '#595959' }}>{t('importHint')}</p>
      </Upload.Dragger>
      {result?.kind === 'refused' && (
        <>
          <Alert type="error" role="alert" title={result.error.message} style={{ marginTop: 12 }} />
          <ImportOutcomeView outcome={{ created: 0, updated: 0, unchanged: 0, rejected: 0, errors: result.error.details }} errorsOnly />
        </>
      )}
      {result?.kind === 'done' && (
        <>
          <ImportOutcomeView outcome={result.outcome} />
          {result.outcome.id && (
            <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
              <Descriptions.Item label={t('importRecord')}>
                <Link to={`/admin/registry/imports/${result.outcome.id}`}>{result.outcome.id}</Link>
              </Descriptions.Item>
            </Descriptions>
          )}
        </>
      )}
    </Modal>
  );
}

/** 机构目录: counties, medical communities and institutions; the administrator changes them, the bureau reads. */
export default function RegistryPage() {
  const { t } = useI18n();
  const me = useMe();
  const admin = me.roles.includes('ADMIN');
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('registry')}</h1>}>
      <Tabs
        items={[
          { key: 'institutions', label: t('regInstitutions'), children: <Institutions admin={admin} /> },
          { key: 'communities', label: t('regCommunities'), children: <Communities admin={admin} /> },
          { key: 'counties', label: t('regCounties'), children: <Counties admin={admin} /> },
        ]}
      />
    </Card>
  );
}
