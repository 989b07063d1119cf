import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { parse } from 'yaml';
import { campaigns } from '../api/admin';
import { useAction } from './useLoad';

const PURPOSES = ['marketing', 'survey', 'care', 'retention', 'collections', 'notification', 'verification'];
const PROFILES = ['us', 'uk', 'cn'];
const MODES = ['preview', 'progressive', 'predictive', 'agentless'];

/** A new campaign (draft) from a short form or a whole YAML definition. */
export function CampaignCreate() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [mode, setMode] = useState<'form' | 'yaml'>('form');
  const [form, setForm] = useState({
    code: '',
    name: '',
    purpose: 'care',
    profile: 'us',
    dialMode: 'progressive',
  });
  const [yamlText, setYamlText] = useState('');
  const action = useAction();

  const definition = (): Record<string, unknown> => {
    if (mode === 'form') return { ...form };
    const parsed: unknown = parse(yamlText);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(t('campaigns.yamlNotMapping'));
    }
    return parsed as Record<string, unknown>;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await action.run(async () => {
      const c = await campaigns.create(definition());
      await navigate(`/campaigns/${c.id}`);
    });
  };

  const field = (name: keyof typeof form, options?: string[]) => (
    <label>
      {t(`campaigns.${name}`)}
      {options ? (
        <select name={name} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })}>
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          name={name}
          required
          value={form[name]}
          onChange={(e) => setForm({ ...form, [name]: e.target.value })}
        />
      )}
    </label>
  );

  return (
    <form className="card" onSubmit={(e) => void submit(e)} data-testid="campaign-create">
      <h2>{t('campaigns.create')}</h2>
      <div className="row">
        <label className="language">
          <input type="radio" name="mode" checked={mode === 'form'} onChange={() => setMode('form')} />
          {t('campaigns.fromForm')}
        </label>
        <label className="language">
          <input type="radio" name="mode" checked={mode === 'yaml'} onChange={() => setMode('yaml')} />
          {t('campaigns.fromYaml')}
        </label>
      </div>
      {mode === 'form' ? (
        <div className="row">
          {field('code')}
          {field('name')}
          {field('purpose', PURPOSES)}
          {field('profile', PROFILES)}
          {field('dialMode', MODES)}
        </div>
      ) : (
        <label>
          {t('campaigns.yaml')}
          <textarea name="yaml" rows={14} value={yamlText} onChange={(e) => setYamlText(e.target.value)} />
          <span className="muted">{t('campaigns.yamlHint')}</span>
        </label>
      )}
      {action.error && <p role="alert">{t('campaigns.createFailed', { message: action.error })}</p>}
      <button type="submit" disabled={action.busy}>
        {t('campaigns.createSubmit')}
      </button>
    </form>
  );
}
