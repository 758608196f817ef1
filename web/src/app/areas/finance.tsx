import { lazy } from 'react';
import type { Area } from './area';

// The finance screens: each page is its own chunk (React.lazy), registered here with its menu entries.
const DashboardPage = lazy(() => import('../../pages/finance/Dashboard'));
const BudgetPlansPage = lazy(() => import('../../pages/finance/BudgetPlans'));
const BudgetPlanEditorPage = lazy(() => import('../../pages/finance/BudgetPlanEditor'));
const BudgetPlanPage = lazy(() => import('../../pages/finance/BudgetPlan'));
const FundAnalysesPage = lazy(() => import('../../pages/finance/FundAnalyses'));
const FundAnalysisPage = lazy(() => import('../../pages/finance/FundAnalysis'));
const YearEndPage = lazy(() => import('../../pages/finance/YearEnd'));

const BUREAU = ['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'];

export const financeArea: Area = {
  screens: [
    { path: '/finance/dashboard', element: <DashboardPage /> },
    { path: '/finance/budget-plans', element: <BudgetPlansPage /> },
    { path: '/finance/budget-plans/new', element: <BudgetPlanEditorPage /> },
    { path: '/finance/budget-plans/:id', element: <BudgetPlanPage /> },
    { path: '/finance/fund-analyses', element: <FundAnalysesPage /> },
    { path: '/finance/fund-analyses/:id', element: <FundAnalysisPage /> },
    { path: '/finance/year-end', element: <YearEndPage /> },
  ],
  menu: [
    { path: '/finance/dashboard', label: 'finDashboard', roles: ['LEAD_FINANCE', ...BUREAU] },
    {
      path: '/finance/budget-plans',
      label: 'finBudgetPlans',
      roles: ['LEAD_FINANCE', 'BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR', 'APPROVER'],
    },
    { path: '/finance/fund-analyses', label: 'finFundAnalyses', roles: ['LEAD_FINANCE', ...BUREAU] },
    {
      path: '/finance/year-end',
      label: 'finYearEnd',
      roles: ['LEAD_FINANCE', 'MEMBER_CLERK', 'VILLAGE_CLERK', 'PRIVATE_CLERK', 'APPROVER', ...BUREAU],
    },
  ],
};
