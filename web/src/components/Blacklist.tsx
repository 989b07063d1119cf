import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { blacklist } from '../api/dnc';
import { useUser } from '../auth/session';
import { useAction, useLoad } from './useLoad';

/** Serious complainers: never called by any campaign. Admins may take a number off. */
export function Blacklist() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const list = useLoad(() => blacklist.list(), 'blacklist');
  const action = useAction();
  const [form, setForm] = useState({ phone: '', reason: '' });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await action.run(() => blacklist.add(form))) setForm({ phone: '', reason: '' });
    list.reload();
  };
  return (
    <div className="card" data-testid="blacklist">
      <h2>{t('dnc.blacklist')}</h2>
      <form className="row" onSubmit={(e) => void submit(e)}>
        <label>
          {t('dnc.phone')}
          <input
            name="bl-phone"
            required
            value={form.phone}
            onChange={(e) => setForm({ ...form, phone: e.target.value })}
          />
        </label>
        <label>
          {t('dnc.reason')}
          <input
            name="bl-reason"
            required
            value={form.reason}
            onChange={(e) => setForm({ ...form, reason: e.target.value })}
          />
        </label>
        <button type="submit" disabled={action.busy}>
          {t('dnc.blacklistAdd')}
        </button>
      </form>
      {(list.error ?? action.error) && (
        <p role="alert">{t('app.error', { message: list.error ?? action.error ?? '' })}</p>
      )}
      {list.data && list.data.length === 0 && <p className="muted">{t('dnc.none')}</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('dnc.phone')}</th>
              <th>{t('dnc.reason')}</th>
              <th>{t('dnc.addedBy')}</th>
              <th>{t('dnc.at')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((b) => (
              <tr key={b.id}>
                <td>{b.phone}</td>
                <td>{b.reason}</td>
                <td>{b.addedBy ?? '—'}</td>
                <td>{new Date(b.createdAt).toLocaleString(i18n.language)}</td>
                <td>
                  {user.role === 'admin' && (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void action.run(() => blacklist.remove(b.phone)).then(list.reload)}
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
  );
}
