import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { audit } from '../api/admin';
import { AuditTable } from '../components/AuditTable';
import { useLoad } from '../components/useLoad';

/** The audit log, newest first, filtered by what was touched. */
export function AuditPage() {
  const { t } = useTranslation();
  const [entity, setEntity] = useState('');
  const rows = useLoad(() => audit.list({ entity: entity || undefined, limit: 200 }), `audit-${entity}`);
  return (
    <section>
      <h1>{t('audit.title')}</h1>
      <label>
        {t('audit.entity')}
        <select value={entity} onChange={(e) => setEntity(e.target.value)}>
          <option value="">{t('audit.any')}</option>
          {['campaign', 'list', 'user', 'session', 'apikey', 'dnc', 'lead', 'call'].map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      </label>
      {rows.error && <p role="alert">{t('app.error', { message: rows.error })}</p>}
      {rows.data && <AuditTable rows={rows.data} />}
    </section>
  );
}
