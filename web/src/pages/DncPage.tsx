import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { dnc, DNC_TYPES, type DncType } from '../api/dnc';
import { useUser } from '../auth/session';
import { Blacklist } from '../components/Blacklist';
import { DncBulk } from '../components/DncBulk';
import { useAction, useLoad } from '../components/useLoad';

/** The do-not-call list (免打扰): add one, bulk add from a CSV, find, remove, export; the blacklist. */
export function DncPage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const [filter, setFilter] = useState('');
  const list = useLoad(() => dnc.list(filter || undefined), `dnc-${filter}`);
  const action = useAction();
  const [form, setForm] = useState<{ phone: string; type: DncType; reason: string }>({
    phone: '',
    type: 'all',
    reason: '',
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(() => dnc.add({ ...form, reason: form.reason || undefined }));
    if (ok) setForm({ ...form, phone: '', reason: '' });
    list.reload();
  };
  return (
    <section>
      <h1>{t('dnc.title')}</h1>
      <form className="card row" onSubmit={(e) => void submit(e)} data-testid="dnc-add">
        <label>
          {t('dnc.phone')}
          <input
            name="phone"
            required
            value={form.phone}
            onChange={(e) => setForm({ ...form, phone: e.target.value })}
          />
        </label>
        <label>
          {t('dnc.type')}
          <select
            name="type"
            value={form.type}
            onChange={(e) => setForm({ ...form, type: e.target.value as DncType })}
          >
            {DNC_TYPES.map((d) => (
              <option key={d} value={d}>
                {t(`dnc.types.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dnc.reason')}
          <input
            name="reason"
            value={form.reason}
            onChange={(e) => setForm({ ...form, reason: e.target.value })}
          />
        </label>
        <button type="submit" disabled={action.busy}>
          {t('dnc.add')}
        </button>
      </form>
      {(list.error ?? action.error) && (
        <p role="alert">{t('app.error', { message: list.error ?? action.error ?? '' })}</p>
      )}
      <DncBulk onDone={list.reload} />
      <div className="card">
        <div className="row">
          <label>
            {t('dnc.find')}
            <input
              name="filter"
              placeholder="+1212"
              value={filter}
              onChange={(e) => setFilter(e.target.value.replace(/[^\d+]/g, ''))}
            />
          </label>
          {user.role === 'admin' && (
            <a href={dnc.exportUrl()} download>
              {t('dnc.export')}
            </a>
          )}
        </div>
        {list.data && list.data.length === 0 && <p className="muted">{t('dnc.none')}</p>}
        {list.data && list.data.length > 0 && (
          <table data-testid="dnc-list">
            <thead>
              <tr>
                <th>{t('dnc.phone')}</th>
                <th>{t('dnc.type')}</th>
                <th>{t('dnc.reason')}</th>
                <th>{t('dnc.source')}</th>
                <th>{t('dnc.addedBy')}</th>
                <th>{t('dnc.at')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.map((d) => (
                <tr key={d.id}>
                  <td>{d.phone}</td>
                  <td>{t(`dnc.types.${d.type}`)}</td>
                  <td>{d.reason ?? ''}</td>
                  <td>{d.source}</td>
                  <td>{d.addedBy ?? '—'}</td>
                  <td>{new Date(d.createdAt).toLocaleString(i18n.language)}</td>
                  <td>
                    {user.role === 'admin' && (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => void action.run(() => dnc.remove(d.phone, d.type)).then(list.reload)}
                      >
                        {t('dnc.remove')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <Blacklist />
    </section>
  );
}
