import { useTranslation } from 'react-i18next';
import { BrowserRouter, Link, Route, Routes } from 'react-router';
import { useSession, useUser } from './auth/session';
import { Layout } from './components/Layout';
import { NAV } from './nav';
import { LoginPage } from './pages/LoginPage';
import { PAGE_ELEMENTS } from './routes';

function NotFound() {
  const { t } = useTranslation();
  return (
    <section>
      <p>{t('app.notFound')}</p>
      <Link to="/">{t('app.backHome')}</Link>
    </section>
  );
}

function Guarded({ entry }: { entry: (typeof NAV)[number] }) {
  const { t } = useTranslation();
  const user = useUser();
  if (!entry.roles.includes(user.role)) return <p role="alert">{t('app.forbidden')}</p>;
  return PAGE_ELEMENTS[entry.nav]();
}

export function App() {
  const { t } = useTranslation();
  const { state } = useSession();
  if (state.status === 'loading') return <p className="loading">{t('app.loading')}</p>;
  if (state.status === 'failed') return <p role="alert">{t('app.error', { message: state.message })}</p>;
  if (state.status === 'anonymous') return <LoginPage />;
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          {NAV.map((entry) => (
            <Route key={entry.path} path={entry.path} element={<Guarded entry={entry} />} />
          ))}
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
