import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { audit, campaigns, STEPS_FROM } from '../api/admin';
import { useUser } from '../auth/session';
import { AuditTable } from '../components/AuditTable';
import { ListUpload } from '../components/ListUpload';
import { useAction, useLoad } from '../components/useLoad';

/** One campaign: status, approvals (approve), lifecycle steps, list upload, its audit trail. */
export function CampaignPage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const id = Number(useParams()['id']);
  const campaign = useLoad(() => campaigns.get(id), `campaign-${id}`);
  const trail = useLoad(
    () =>
      user.role === 'admin' ? audit.list({ entity: 'campaign', entityId: String(id) }) : Promise.resolve([]),
    `trail-${id}`,
  );
  const action = useAction();
  const reload = () => {
    campaign.reload();
    trail.reload();
  };
  const manager = user.role === 'admin' || user.role === 'supervisor';
  const c = campaign.data;

  return (
    <section>
      <p>
        <Link to="/campaigns">← {t('campaigns.title')}</Link>
      </p>
      {campaign.error && <p role="alert">{t('app.error', { message: campaign.error })}</p>}
      {c && (
        <>
          <h1>
            {c.name} <span className="muted">({c.code})</span>
          </h1>
          <p>
            {t('campaigns.status')}:{' '}
            <span className="badge" data-testid="campaign-status">
              {t(`status.${c.status}`)}
            </span>{' '}
            · {t('campaigns.purpose')}: {c.purpose} · {t('campaigns.dialMode')}: {c.dialMode} ·{' '}
            {t('campaigns.leads')}: <span data-testid="lead-count">{c.leads}</span>
          </p>
          <div className="card">
            <h2>{t('campaigns.approvals')}</h2>
            {c.approvals.length === 0 ? (
              <p className="muted">{t('campaigns.noApprovals')}</p>
            ) : (
              <ul data-testid="approvals">
                {c.approvals.map((a) => (
                  <li key={`${a.by}-${a.at}`}>
                    {t('campaigns.approvedBy', {
                      name: a.by,
                      level: t(`campaigns.level.${a.level === 'formal' ? 'formal' : 'simple'}`),
                      at: new Date(a.at).toLocaleString(i18n.language),
                    })}
                  </li>
                ))}
              </ul>
            )}
            {manager && c.status === 'draft' && (
              <button
                type="button"
                disabled={action.busy}
                onClick={() => void action.run(() => campaigns.approve(id)).then(reload)}
              >
                {t('campaigns.approve')}
              </button>
            )}
          </div>
          {manager && STEPS_FROM[c.status].length > 0 && (
            <div className="card row">
              {STEPS_FROM[c.status].map((step) => (
                <button
                  key={step}
                  type="button"
                  className="secondary"
                  disabled={action.busy}
                  onClick={() => void action.run(() => campaigns.step(id, step)).then(reload)}
                >
                  {t(`campaigns.step.${step}`)}
                </button>
              ))}
            </div>
          )}
          {action.error && <p role="alert">{t('app.error', { message: action.error })}</p>}
          {manager && c.status !== 'completed' && <ListUpload campaignId={id} onDone={reload} />}
          {user.role === 'admin' && (
            <div className="card">
              <h2>{t('audit.trail')}</h2>
              {trail.data && <AuditTable rows={trail.data} />}
            </div>
          )}
        </>
      )}
    </section>
  );
}
