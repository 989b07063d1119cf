import type { ReactElement } from 'react';
import type { NavId } from './nav';
import { HomePage } from './pages/HomePage';

/** The page component of each nav entry; a NavId without one fails the type-check. */
export const PAGE_ELEMENTS: Record<NavId, () => ReactElement> = {
  home: () => <HomePage />,
};
