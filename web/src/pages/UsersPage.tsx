import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { campaigns, users, type User } from '../api/admin';
import { ROLES, type Role } from '../auth/roles';
import { useAction, useLoad } from '../components/useLoad';

/** People who sign in: create, (de)activate, assign to campaigns. */
export function UsersPage() {
  const { t } = useTranslation();
  const list = useLoad(() => users.list(), 'users');
  const all = useLoad(() => campaigns.list(), 'campaigns');
  const action = useAction();
  const act = (f: () => Promise<unknown>) => void action.run(f).then(list.reload);
  return (
    <section>
      <h1>{t('users.title')}</h1>
      {(list.error ?? action.error) && (
        <p role="alert">{t('app.error', { message: list.error ?? action.error ?? '' })}</p>
      )}
      {list.data && (
        <table data-testid="users">
          <thead>
            <tr>
              <th>{t('users.username')}</th>
              <th>{t('users.displayName')}</th>
              <th>{t('users.role')}</th>
              <th>{t('users.state')}</th>
              <th>{t('users.campaigns')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((u) => (
              <UserRow key={u.id} user={u} codes={(all.data ?? []).map((c) => c.code)} act={act} />
            ))}
          </tbody>
        </table>
      )}
      <UserCreate onCreated={list.reload} />
    </section>
  );
}

function UserRow({
  user,
  codes,
  act,
}: {
  user: User;
  codes: string[];
  act: (f: () => Promise<unknown>) => void;
}) {
  const { t } = useTranslation();
  const [pick, setPick] = useState('');
  const free = codes.filter((c) => !user.campaigns.includes(c));
  return (
    <tr>
      <td>{user.username}</td>
      <td>{user.displayName}</td>
      <td>{t(`roles.${user.role}`)}</td>
      <td>{user.active ? t('users.active') : t('users.inactive')}</td>
      <td>
        {user.campaigns.map((c) => (
          <span key={c} className="badge">
            {c}{' '}
            <button
              type="button"
              className="secondary"
              aria-label={t('users.unassign', { campaign: c })}
              onClick={() => act(() => users.unassign(user.username, c))}
            >
              ×
            </button>
          </span>
        ))}
        {free.length > 0 && (
          <span className="row">
            <select aria-label={t('users.assignTo')} value={pick} onChange={(e) => setPick(e.target.value)}>
              <option value="">{t('users.assignTo')}</option>
              {free.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="secondary"
              disabled={!pick}
              onClick={() => act(() => users.assign(user.username, pick))}
            >
              {t('users.assign')}
            </button>
          </span>
        )}
      </td>
      <td>
        <button
          type="button"
          className="secondary"
          onClick={() => act(() => users.setActive(user.username, !user.active))}
        >
          {user.active ? t('users.deactivate') : t('users.reactivate')}
        </button>
      </td>
    </tr>
  );
}

function UserCreate({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    role: 'agent' as Role,
    password: '',
    locale: 'zh-CN' as 'en' | 'zh-CN',
  });
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(() => users.create({ ...form, displayName: form.displayName || undefined }));
    if (ok) {
      setForm({ ...form, username: '', displayName: '', password: '' });
      onCreated();
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} data-testid="user-create">
      <h2>{t('users.create')}</h2>
      <div className="row">
        <label>
          {t('users.username')}
          <input
            name="username"
            required
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
          />
        </label>
        <label>
          {t('users.displayName')}
          <input
            name="displayName"
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
        </label>
        <label>
          {t('users.role')}
          <select
            name="role"
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('users.password')}
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            required
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </label>
        <label>
          {t('app.language')}
          <select
            name="locale"
            value={form.locale}
            onChange={(e) => setForm({ ...form, locale: e.target.value === 'en' ? 'en' : 'zh-CN' })}
          >
            <option value="zh-CN">{t('languages.zh-CN')}</option>
            <option value="en">{t('languages.en')}</option>
          </select>
        </label>
      </div>
      {action.error && <p role="alert">{t('app.error', { message: action.error })}</p>}
      <button type="submit" disabled={action.busy}>
        {t('users.createSubmit')}
      </button>
    </form>
  );
}
