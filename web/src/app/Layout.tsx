import type { ReactNode } from 'react';
import { Badge, Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useNotifications } from '../lib/notifications';
import { useLocation, useNavigate } from 'react-router-dom';
import { useI18n } from './i18n';
import { areas, type MenuEntry } from './areas';
import { useMe, useSession } from './session';

type Role = string;

/** Which menu entries a role sees; the API decides what each call may do, the menu only avoids dead ends. */
const MENU: MenuEntry[] = [
  { path: '/inbox', label: 'inbox', roles: 'any' },
  {
    path: '/claims',
    label: 'claims',
    roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'MEMBER_CLERK', 'PRIVATE_CLERK', 'VILLAGE_CLERK', 'AUDITOR', 'APPROVER'],
  },
  { path: '/upload', label: 'upload', roles: ['MEMBER_CLERK', 'PRIVATE_CLERK'] },
  { path: '/declarations', label: 'declarations', roles: ['LEAD_FINANCE', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR', 'APPROVER'] },
  {
    path: '/pass-downs',
    label: 'passDowns',
    roles: ['LEAD_FINANCE', 'MEMBER_CLERK', 'VILLAGE_CLERK', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR', 'APPROVER'],
  },
  { path: '/ledger', label: 'ledger', roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'] },
  { path: '/reserve-uses', label: 'reserveUses', roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR'] },
  {
    path: '/disputes',
    label: 'disputes',
    roles: ['BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR', 'LEAD_FINANCE', 'MEMBER_CLERK'],
  },
  { path: '/surplus-plans', label: 'surplusPlans', roles: ['LEAD_FINANCE', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR'] },
];

export function menuFor(roles: readonly Role[]) {
  return [...MENU, ...areas.flatMap((a) => a.menu)].filter((m) => m.roles === 'any' || m.roles.some((r) => roles.includes(r)));
}

export function ConsoleLayout({ children }: { children: ReactNode }) {
  const me = useMe();
  const { signOut } = useSession();
  const { t, code, language, setLanguage } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const notifications = useNotifications();
  const entries = menuFor(me.roles);
  const selected = entries.find((e) => location.pathname.startsWith(e.path))?.path ?? '/inbox';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, background: '#1d4f91' }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
          {t('appName')}
        </Typography.Text>
        <div style={{ flex: 1 }} />
        <Space>
          <span style={{ color: '#fff' }} data-testid="who">
            {me.name} · {me.institutionCode}
          </span>
          {me.roles.map((r) => (
            <Tag key={r}>{code(r)}</Tag>
          ))}
          <Badge count={notifications.data?.unread ?? 0} size="small" overflowCount={99}>
            <Button
              size="small"
              icon={<BellOutlined />}
              aria-label={`${t('notifications')} (${t('unread')} ${notifications.data?.unread ?? 0})`}
              data-testid="notifications-bell"
              onClick={() => navigate('/notifications')}
            />
          </Badge>
          <Button size="small" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>
            {t('language')}
          </Button>
          <Button size="small" onClick={() => void signOut()}>
            {t('signOut')}
          </Button>
        </Space>
      </Layout.Header>
      {/* The menu is a column beside the page, so every role's entries (some have twenty) stay in view. */}
      <Layout>
        <Layout.Sider width={188} style={{ background: '#173f75' }}>
          <nav aria-label="main">
            <Menu
              theme="dark"
              mode="inline"
              style={{ background: 'transparent', borderInlineEnd: 'none' }}
              selectedKeys={[selected]}
              items={entries.map((e) => ({ key: e.path, label: t(e.label) }))}
              onClick={({ key }) => navigate(key)}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content style={{ padding: 24, minWidth: 0 }}>
          <main>{children}</main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
