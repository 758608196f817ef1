import { lazy } from 'react';
import type { Area } from './area';

// The admin screens: each page is its own chunk (React.lazy), registered here with its menu entries.
const RegistryPage = lazy(() => import('../../pages/admin/Registry'));
const InstitutionPage = lazy(() => import('../../pages/admin/Institution'));
const ImportPage = lazy(() => import('../../pages/admin/RegistryImport'));
const UsersPage = lazy(() => import('../../pages/admin/Users'));
const ProfilePage = lazy(() => import('../../pages/admin/Profile'));
const AuditPage = lazy(() => import('../../pages/admin/Audit'));
const PublicAllocationPage = lazy(() => import('../../pages/admin/PublicAllocation'));
const ReferralsPage = lazy(() => import('../../pages/admin/Referrals'));
const ReferralPage = lazy(() => import('../../pages/admin/Referral'));

/** Who reads referrals (the API's REFERRAL_READERS). */
const REFERRAL_READERS = ['LEAD_FINANCE', 'MEMBER_CLERK', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'APPROVER', 'AUDITOR'];

export const adminArea: Area = {
  screens: [
    { path: '/admin/registry', element: <RegistryPage /> },
    { path: '/admin/registry/institutions/:code', element: <InstitutionPage /> },
    { path: '/admin/registry/imports/:id', element: <ImportPage /> },
    { path: '/admin/users', element: <UsersPage /> },
    { path: '/admin/audit', element: <AuditPage /> },
    { path: '/referrals', element: <ReferralsPage /> },
    { path: '/referrals/:id', element: <ReferralPage /> },
    { path: '/profile', element: <ProfilePage /> },
  ],
  menu: [
    { path: '/referrals', label: 'referrals', roles: REFERRAL_READERS },
    { path: '/admin/registry', label: 'registry', roles: ['ADMIN', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'] },
    { path: '/admin/users', label: 'usersAndTokens', roles: ['ADMIN', 'AUDITOR'] },
    { path: '/admin/audit', label: 'auditLog', roles: ['AUDITOR', 'ADMIN', 'BUREAU_CLERK', 'BUREAU_APPROVER'] },
    { path: '/profile', label: 'myProfile', roles: 'any' },
  ],
  // 公示: the published allocation of a county's fund year, for anyone without signing in.
  publicScreens: [{ path: '/public/:countyCode/:fundYear', element: <PublicAllocationPage /> }],
};
