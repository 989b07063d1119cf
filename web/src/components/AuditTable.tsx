import { useTranslation } from 'react-i18next';
import type { AuditRow } from '../api/admin';

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  const { t, i18n } = useTranslation();
  if (rows.length === 0) return <p className="muted">{t('audit.none')}</p>;
  return (
    <table data-testid="audit">
      <thead>
        <tr>
          <th>{t('audit.at')}</th>
          <th>{t('audit.actor')}</th>
          <th>{t('audit.action')}</th>
          <th>{t('audit.entity')}</th>
          <th>{t('audit.details')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>{new Date(r.at).toLocaleString(i18n.language)}</td>
            <td>{r.actor}</td>
            <td>{r.action}</td>
            <td>
              {r.entity}
              {r.entityId ? ` ${r.entityId}` : ''}
            </td>
            <td>
              <code>{JSON.stringify(r.details)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
