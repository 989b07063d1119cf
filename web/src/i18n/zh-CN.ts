import type { Messages } from './en';

/** 简体中文。键与 en.ts 完全一致（缺键时类型检查与 test/unit/web/i18n.test.ts 都会失败）。 */
export const zhCN: Messages = {
  app: {
    title: '外呼控制台',
    signedInAs: '当前用户：{{name}}（{{role}}）',
    signOut: '退出登录',
    language: '语言',
    mainNav: '主导航',
    loading: '加载中…',
    notFound: '此地址没有页面。',
    backHome: '返回首页',
    forbidden: '您的角色无权打开此页面。',
    error: '出错了：{{message}}',
    retry: '重试',
    live: '实时更新：{{state}}',
  },
  live: {
    connecting: '正在连接',
    open: '已连接',
    closed: '正在重连',
  },
  languages: {
    en: 'English',
    'zh-CN': '简体中文',
  },
  roles: {
    admin: '管理员',
    supervisor: '主管',
    teamlead: '组长',
    agent: '坐席',
    qa: '质检',
  },
  nav: {
    home: '首页',
    campaigns: '外呼活动',
    lists: '名单',
    dnc: '免打扰',
    users: '用户',
    audit: '审计日志',
  },
  login: {
    title: '登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    submitting: '正在登录…',
    failed: '登录失败：{{message}}',
    intro: '请使用管理员为您开设的账号登录。',
  },
  home: {
    title: '首页',
    welcome: '欢迎，{{name}}。',
    yourPages: '您的角色可用的页面',
    noPages: '您的角色暂时没有控制台页面。',
  },
};
