import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { useSession, useUser } from '../auth/session';
import { navFor } from '../nav';
import { LanguagePicker } from './LanguagePicker';

/** The signed-in frame: header (who, language, sign out), the role's nav, the page. */
export function Layout() {
  const { t } = useTranslation();
  const user = useUser();
  const { logout } = useSession();
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t('app.title')}</span>
        <span className="who" data-testid="who">
          {t('app.signedInAs', { name: user.displayName, role: t(`roles.${user.role}`) })}
        </span>
        <LanguagePicker />
        <button type="button" onClick={() => void logout()}>
          {t('app.signOut')}
        </button>
      </header>
      <nav className="sidenav" aria-label={t('app.mainNav')}>
        <ul>
          {navFor(user.role).map((p) => (
            <li key={p.path}>
              <NavLink to={p.path} end={p.path === '/'}>
                {t(`nav.${p.nav}`)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
