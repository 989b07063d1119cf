import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useUser } from '../auth/session';
import { navFor } from '../nav';

export function HomePage() {
  const { t } = useTranslation();
  const user = useUser();
  const pages = navFor(user.role).filter((p) => p.path !== '/');
  return (
    <section>
      <h1>{t('home.title')}</h1>
      <p>{t('home.welcome', { name: user.displayName })}</p>
      <h2>{t('home.yourPages')}</h2>
      {pages.length === 0 ? (
        <p>{t('home.noPages')}</p>
      ) : (
        <ul className="page-list">
          {pages.map((p) => (
            <li key={p.path}>
              <Link to={p.path}>{t(`nav.${p.nav}`)}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
