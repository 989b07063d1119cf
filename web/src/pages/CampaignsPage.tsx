import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router';
import { campaigns } from '../api/admin';
import { useUser } from '../auth/session';
import { CampaignCreate } from '../components/CampaignCreate';
import { useLoad } from '../components/useLoad';
import { CampaignPage } from './CampaignPage';

/** /campaigns (the list and the create form) and /campaigns/:id (one campaign). */
export function CampaignsPage() {
  return (
    <Routes>
      <Route index element={<CampaignList />} />
      <Route path=":id" element={<CampaignPage />} />
    </Routes>
  );
}

function CampaignList() {
  const { t } = useTranslation();
  const user = useUser();
  const list = useLoad(() => campaigns.list(), 'campaigns');
  return (
    <section>
      <h1>{t('campaigns.title')}</h1>
      {list.error && <p role="alert">{t('app.error', { message: list.error })}</p>}
      {list.data && list.data.length === 0 && <p className="muted">{t('campaigns.none')}</p>}
      {list.data && list.data.length > 0 && (
        <table data-testid="campaign-list">
          <thead>
            <tr>
              <th>{t('campaigns.code')}</th>
              <th>{t('campaigns.name')}</th>
              <th>{t('campaigns.status')}</th>
              <th>{t('campaigns.dialMode')}</th>
              <th>{t('campaigns.leads')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/campaigns/${c.id}`}>{c.code}</Link>
                </td>
                <td>{c.name}</td>
                <td>
                  <span className="badge">{t(`status.${c.status}`)}</span>
                </td>
                <td>{c.dialMode}</td>
                <td>{c.leads}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(user.role === 'admin' || user.role === 'supervisor') && <CampaignCreate />}
    </section>
  );
}
