import { Alert, App, Button, Card, Descriptions, Form, Input, Tag } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { useI18n } from '../../app/i18n';
import { useMe } from '../../app/session';
import { refusalOf } from '../../lib/context';

interface PasswordChange {
  currentPassword: string;
  password: string;
  repeat: string;
}

/** 个人信息: who is signed in (GET auth/me) and changing one's own password (POST auth/password). */
export default function ProfilePage() {
  const { t, code } = useI18n();
  const { message } = App.useApp();
  const me = useMe();
  const [form] = Form.useForm<PasswordChange>();
  const change = useMutation({
    mutationFn: (v: PasswordChange) =>
      call(() => api.POST('/api/v1/auth/password', { body: { currentPassword: v.currentPassword, password: v.password } })),
    onSuccess: () => {
      form.resetFields();
      void message.success(t('passwordChanged'));
    },
  });
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('myProfile')}</h1>}>
      <Descriptions bordered size="small" column={2} data-testid="profile">
        <Descriptions.Item label={t('profileAccount')}>{me.name}</Descriptions.Item>
        <Descriptions.Item label={t('accountKind')}>{code(me.kind)}</Descriptions.Item>
        <Descriptions.Item label={t('institution')}>{me.institutionCode}</Descriptions.Item>
        <Descriptions.Item label={t('institutionType')}>{code(me.institutionType)}</Descriptions.Item>
        <Descriptions.Item label={t('userRoles')} span={2}>
          {me.roles.map((r) => (
            <Tag key={r}>{code(r)}</Tag>
          ))}
        </Descriptions.Item>
      </Descriptions>
      <h2 style={{ fontSize: 16, marginTop: 24 }}>{t('changePassword')}</h2>
      {me.kind !== 'user' ? (
        <Alert type="info" title={t('tokenHasNoPassword')} />
      ) : (
        <Form
          form={form}
          layout="vertical"
          style={{ maxWidth: 420 }}
          onFinish={(v) => {
            change.reset();
            change.mutate(v);
          }}
        >
          {change.error && <Alert type="error" role="alert" title={refusalOf(change.error)} style={{ marginBottom: 12 }} />}
          <Form.Item label={t('currentPassword')} name="currentPassword" rules={[{ required: true, message: t('passwordRequired') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item label={t('newPassword')} name="password" rules={[{ required: true, min: 10, message: t('passwordTooShort') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label={t('confirmPassword')}
            name="repeat"
            dependencies={['password']}
            rules={[
              { required: true, message: t('passwordRequired') },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('passwordsDiffer'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            {t('changePassword')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
