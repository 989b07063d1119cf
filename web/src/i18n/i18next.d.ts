import type { en } from './en';

// Typed keys: t('nav.campaigns') type-checks, t('nav.nope') does not.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
