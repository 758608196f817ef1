import { lazy } from 'react';
import type { Area } from './area';

// The bureau screens: each page is its own chunk (React.lazy), registered here with its menu entries.
const AllocationsPage = lazy(() => import('../../pages/bureau/Allocations'));
const AllocationPage = lazy(() => import('../../pages/bureau/Allocation'));
const ApprovalsPage = lazy(() => import('../../pages/bureau/Approvals'));
const HoldsPage = lazy(() => import('../../pages/bureau/Holds'));
const PrivateBudgetsPage = lazy(() => import('../../pages/bureau/PrivateBudgets'));
const PrivatePaymentsPage = lazy(() => import('../../pages/bureau/PrivatePayments'));
const PolicyParametersPage = lazy(() => import('../../pages/bureau/PolicyParameters'));
const CalendarPage = lazy(() => import('../../pages/bureau/Calendar'));

const BUREAU = ['BUREAU_CLERK', 'BUREAU_APPROVER'] as const;

export const bureauArea: Area = {
  screens: [
    {
      path: '/allocations',
      element: <AllocationsPage />,
    },
    {
      path: '/allocations/:id',
      element: <AllocationPage />,
    },
    {
      path: '/approvals',
      element: <ApprovalsPage />,
    },
    {
      path: '/holds',
      element: <HoldsPage />,
    },
    {
      path: '/private-budgets',
      element: <PrivateBudgetsPage />,
    },
    {
      path: '/private-payments',
      element: <PrivatePaymentsPage />,
    },
    {
      path: '/policy-parameters',
      element: <PolicyParametersPage />,
    },
    {
      path: '/calendar',
      element: <CalendarPage />,
    },
  ],
  // Five entries: the menu bar stays unfolded; private budgets and the calendar open from their neighbours' headers.
  menu: [
    { path: '/allocations', label: 'buAllocations', roles: [...BUREAU, 'AUDITOR'] },
    { path: '/approvals', label: 'buApprovals', roles: BUREAU },
    { path: '/holds', label: 'buHolds', roles: [...BUREAU, 'AUDITOR'] },
    { path: '/private-payments', label: 'buPrivate', roles: [...BUREAU, 'AUDITOR'] },
    { path: '/policy-parameters', label: 'buPolicyParameters', roles: [...BUREAU, 'AUDITOR'] },
  ],
};
