import type { ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import { useI18n } from '../../app/i18n';

/**
 * The bureau screens' accessible colours: links in the console's primary blue and empty lists in
 * text dark enough to read (WCAG AA contrast), over the console's own theme.
 */
export function BureauTheme({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <ConfigProvider
      theme={{
        token: {
          colorLink: '#1d4f91',
          colorLinkHover: '#173f75',
          colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
          colorTextDescription: 'rgba(0, 0, 0, 0.65)',
        },
      }}
      renderEmpty={() => <div style={{ color: 'rgba(0, 0, 0, 0.7)', padding: 16, textAlign: 'center' }}>{t('buNoData')}</div>}
    >
      {children}
    </ConfigProvider>
  );
}
