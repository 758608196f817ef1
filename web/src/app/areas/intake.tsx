import { lazy } from 'react';
import type { Area } from './area';

// The intake screens: each page is its own chunk (React.lazy), registered here with its menu entries.
const OrphansPage = lazy(() => import('../../pages/intake/Orphans'));
const NationalCodesPage = lazy(() => import('../../pages/intake/NationalCodes'));

/** The lead and the bureau decide refunds waiting for their original (a unit reads its own through the API). */
const ORPHAN_READERS = ['LEAD_FINANCE', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'];

export const intakeArea: Area = {
  screens: [
    { path: '/refund-orphans', element: <OrphansPage /> },
    { path: '/national-codes', element: <NationalCodesPage /> },
  ],
  menu: [
    { path: '/refund-orphans', label: 'refundOrphans', roles: ORPHAN_READERS },
    { path: '/national-codes', label: 'nationalCodes', roles: ['ADMIN', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'AUDITOR'] },
  ],
};
