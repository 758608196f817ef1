import { lazy, Suspense } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes, matchPath, useLocation } from 'react-router-dom';
import { areas } from './areas';
import { I18nProvider, useI18n } from './i18n';
import { SessionProvider, useSession } from './session';
import { SignInPage } from '../pages/SignIn';

// Each screen is its own chunk, and so is the signed-in frame: the first load carries only sign-in.
const ConsoleLayout = lazy(() => import('./Layout').then((m) => ({ default: m.ConsoleLayout })));
const InboxPage = lazy(() => import('../pages/Inbox'));
const ClaimsPage = lazy(() => import('../pages/Claims'));
const ClaimPage = lazy(() => import('../pages/Claim'));
const UploadPage = lazy(() => import('../pages/Upload'));
const DeclarationsPage = lazy(() => import('../pages/Declarations'));
const DeclarationPage = lazy(() => import('../pages/Declaration'));
const PassDownsPage = lazy(() => import('../pages/PassDowns'));
const LedgerPage = lazy(() => import('../pages/Ledger'));
const NotificationsPage = lazy(() => import('../pages/Notifications'));
const ReserveUsesPage = lazy(() => import('../pages/ReserveUses'));
const ReserveUsePage = lazy(() => import('../pages/ReserveUse'));
const DisputesPage = lazy(() => import('../pages/Disputes'));
const DisputePage = lazy(() => import('../pages/Dispute'));
const SurplusPlansPage = lazy(() => import('../pages/SurplusPlans'));
const SurplusPlanPage = lazy(() => import('../pages/SurplusPlan'));

function usePublicScreen() {
  const { pathname } = useLocation();
  return publicScreens.find((s) => matchPath(s.path, pathname))?.element ?? null;
}

/**
 * The console's colours: the primary blue of the header; links, secondary text, the danger red and
 * the coloured tags' text (a darker step of each palette) dark enough for WCAG AA contrast (4.5:1),
 * which the library's defaults are not (checked by axe-core in the browser tests).
 */
const THEME = {
  token: {
    colorPrimary: '#1d4f91',
    colorLink: '#1d4f91',
    colorLinkHover: '#173f75',
    colorInfo: '#1d4f91',
    colorTextSecondary: 'rgba(0, 0, 0, 0.70)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.65)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorError: '#cf1322',
  },
  components: {
    Tag: {
      green7: '#237804',
      gold7: '#874d00',
      orange7: '#873800',
      volcano7: '#871400',
      lime7: '#3f6600',
      cyan7: '#00474f',
      purple7: '#391085',
      magenta7: '#780650',
      red7: '#a8071a',
      blue7: '#003eb3',
      colorSuccess: '#237804',
      colorWarning: '#874d00',
      colorError: '#a8071a',
      colorInfo: '#003eb3',
    },
  },
};

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });

/** Screens anyone may open without signing in (the public publication). */
const publicScreens = areas.flatMap((a) => a.publicScreens ?? []);

function Screens() {
  const { state } = useSession();
  const publicScreen = usePublicScreen();
  if (publicScreen) return <Suspense fallback={<Spin />}>{publicScreen}</Suspense>;
  if (state.status === 'restoring') return <Spin fullscreen />;
  if (state.status === 'signedOut') return <SignInPage expired={state.expired} />;
  return (
    <Suspense fallback={<Spin fullscreen />}>
      <ConsoleLayout>
        <Suspense fallback={<Spin />}>
          <Routes>
            <Route path="/" element={<Navigate to="/inbox" replace />} />
            <Route path="/inbox" element={<InboxPage />} />
            <Route path="/claims" element={<ClaimsPage />} />
            <Route path="/claims/:id" element={<ClaimPage />} />
            <Route path="/upload" element={<UploadPage />} />
            <Route path="/declarations" element={<DeclarationsPage />} />
            <Route path="/declarations/:id" element={<DeclarationPage />} />
            <Route path="/pass-downs" element={<PassDownsPage />} />
            <Route path="/ledger" element={<LedgerPage />} />
            <Route path="/notifications" element={<NotificationsPage />} />
            <Route path="/reserve-uses" element={<ReserveUsesPage />} />
            <Route path="/reserve-uses/:id" element={<ReserveUsePage />} />
            <Route path="/disputes" element={<DisputesPage />} />
            <Route path="/disputes/:id" element={<DisputePage />} />
            <Route path="/surplus-plans" element={<SurplusPlansPage />} />
            <Route path="/surplus-plans/:id" element={<SurplusPlanPage />} />
            {areas
              .flatMap((a) => a.screens)
              .map((s) => (
                <Route key={s.path} path={s.path} element={s.element} />
              ))}
            <Route path="*" element={<Navigate to="/inbox" replace />} />
          </Routes>
        </Suspense>
      </ConsoleLayout>
    </Suspense>
  );
}

function Localised() {
  const { language } = useI18n();
  return (
    <ConfigProvider locale={language === 'zh' ? zhCN : enUS} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <SessionProvider>
            <BrowserRouter>
              <Screens />
            </BrowserRouter>
          </SessionProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Localised />
    </I18nProvider>
  );
}
