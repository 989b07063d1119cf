import type { ReactElement } from 'react';
import type { NavId } from './nav';
import { AuditPage } from './pages/AuditPage';
import { CampaignsPage } from './pages/CampaignsPage';
import { DncPage } from './pages/DncPage';
import { HomePage } from './pages/HomePage';
import { UsersPage } from './pages/UsersPage';

/** The page component of each nav entry; a NavId without one fails the type-check. */
export const PAGE_ELEMENTS: Record<NavId, () => ReactElement> = {
  home: () => <HomePage />,
  campaigns: () => <CampaignsPage />,
  dnc: () => <DncPage />,
  users: () => <UsersPage />,
  audit: () => <AuditPage />,
};
