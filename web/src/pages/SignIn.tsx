import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { ApiCallError } from '../api/client';
import { useI18n } from '../app/i18n';
import { useSession } from '../app/session';

export function SignInPage({ expired }: { expired: boolean }) {
  const { signIn } = useSession();
  const { t, language, setLanguage } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onFinish = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(values.username, values.password);
    } catch (err) {
      setError(err instanceof ApiCallError ? (err.body?.message ?? err.message) : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={1} style={{ fontSize: 20 }}>
          {t('appName')}
        </Typography.Title>
        {expired && <Alert type="warning" title={t('sessionExpired')} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" title={error} role="alert" style={{ marginBottom: 16 }} />}
        <Form layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item label={t('username')} name="username" rules={[{ required: true, message: t('usernameRequired') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('passwordRequired') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('signIn')}
          </Button>
        </Form>
        <Button type="link" onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')} style={{ marginTop: 8, padding: 0 }}>
          {t('language')}
        </Button>
      </Card>
    </main>
  );
}
