import { useTranslation } from 'react-i18next';
import { isLanguage, LANGUAGES, setLanguage, type Language } from '../i18n';

/** Switches the console's language; `onChange` lets the signed-in layout save it to the account. */
export function LanguagePicker({ onChange }: { onChange?: (lang: Language) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      {t('app.language')}{' '}
      <select
        data-testid="language"
        value={i18n.language}
        onChange={(e) => {
          const lang = e.target.value;
          if (!isLanguage(lang)) return;
          void setLanguage(lang);
          onChange?.(lang);
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {t(`languages.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
