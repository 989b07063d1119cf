/**
 * English strings of the web console. Every string a page shows lives here and in zh-CN.ts
 * (same keys; TypeScript and test/unit/web/i18n.test.ts both refuse a missing one).
 * Interpolation: {{name}}. Plurals: key_one / key_other.
 */
export const en = {
  app: {
    title: 'Dialer console',
    signedInAs: 'Signed in as {{name}} ({{role}})',
    signOut: 'Sign out',
    language: 'Language',
    mainNav: 'Main navigation',
    loading: 'Loading…',
    notFound: 'There is no page at this address.',
    backHome: 'Back to the start page',
    forbidden: 'Your role may not open this page.',
    error: 'Something went wrong: {{message}}',
    retry: 'Try again',
    live: 'Live updates: {{state}}',
  },
  live: {
    connecting: 'connecting',
    open: 'connected',
    closed: 'reconnecting',
  },
  languages: {
    en: 'English',
    'zh-CN': '简体中文',
  },
  roles: {
    admin: 'Administrator',
    supervisor: 'Supervisor',
    teamlead: 'Team lead',
    agent: 'Agent',
    qa: 'QA',
  },
  nav: {
    home: 'Start',
    campaigns: 'Campaigns',
    lists: 'Lead lists',
    dnc: 'Do-not-call',
    users: 'Users',
    audit: 'Audit log',
  },
  login: {
    title: 'Sign in',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    failed: 'Sign-in failed: {{message}}',
    intro: 'Sign in with the account your administrator gave you.',
  },
  home: {
    title: 'Start',
    welcome: 'Welcome, {{name}}.',
    yourPages: 'Pages for your role',
    noPages: 'There are no console pages for your role yet.',
  },
} as const;

/** The shape every language must have: the same keys, each a string. */
export type Messages = { readonly [K in keyof typeof en]: Strings<(typeof en)[K]> };
type Strings<T> = { readonly [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
