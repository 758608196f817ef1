import { lazy } from 'react';
import type { Area } from './area';

// The statements screens: each page is its own chunk (React.lazy), registered here with its menu entries.
const HubPage = lazy(() => import('../../pages/statements/Hub'));
const StatementPage = lazy(() => import('../../pages/statements/Statement'));
const DeclarationStatementsPage = lazy(() => import('../../pages/statements/DeclarationStatements'));
const SamplePage = lazy(() => import('../../pages/statements/Sample'));
const CorrectionPage = lazy(() => import('../../pages/statements/Correction'));

export const statementsArea: Area = {
  screens: [
    { path: '/statements', element: <HubPage /> },
    { path: '/statements/claims/:id', element: <StatementPage /> },
    { path: '/statements/claims/:id/correction', element: <CorrectionPage /> },
    { path: '/statements/claims/:id/sample', element: <SamplePage subject="claim" /> },
    { path: '/statements/declarations/:id', element: <DeclarationStatementsPage /> },
    { path: '/statements/declarations/:id/sample', element: <SamplePage subject="declaration" /> },
  ],
  menu: [
    {
      path: '/statements',
      label: 'stmMenu',
      roles: ['MEMBER_CLERK', 'PRIVATE_CLERK', 'LEAD_FINANCE', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR', 'APPROVER'],
    },
  ],
};
