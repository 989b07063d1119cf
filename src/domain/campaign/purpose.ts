/** What a campaign is for; it decides which do-not-disturb (DNC) types block its calls. */
export const CAMPAIGN_PURPOSES = [
  'marketing',
  'survey',
  'care',
  'retention',
  'collections',
  'notification',
  'verification',
] as const;
export type CampaignPurpose = (typeof CAMPAIGN_PURPOSES)[number];

/** The DNC types of the 免打扰 database (service marketing, survey, care, personalised marketing). */
export const DNC_TYPES = ['marketing', 'survey', 'care', 'personalised-marketing', 'all'] as const;
export type DncType = (typeof DNC_TYPES)[number];

/**
 * Which DNC types block a purpose. `all` blocks every purpose. Retention offers are sales pitches,
 * so marketing (and personalised-marketing) opt-outs block them too. Collections, notifications
 * and data verification are service calls the customer cannot opt out of by a marketing request,
 * so only `all` blocks them (an explicit "never call me" still wins).
 */
const BLOCKING: Readonly<Record<CampaignPurpose, readonly DncType[]>> = {
  marketing: ['all', 'marketing', 'personalised-marketing'],
  retention: ['all', 'marketing', 'personalised-marketing'],
  survey: ['all', 'survey'],
  care: ['all', 'care'],
  collections: ['all'],
  notification: ['all'],
  verification: ['all'],
};

export function dncTypesBlocking(purpose: CampaignPurpose): readonly DncType[] {
  return BLOCKING[purpose];
}

/** The first of `hits` that blocks a call of `purpose`, if any. */
export function blockingDncType(purpose: CampaignPurpose, hits: readonly DncType[]): DncType | undefined {
  const blocking = BLOCKING[purpose];
  return hits.find((t) => blocking.includes(t));
}

/**
 * The DNC type to record when a customer asks a campaign of `purpose` to stop calling: the
 * narrowest type that still blocks that purpose (so the request is honoured by the gate).
 */
export function dncTypeForRequest(purpose: CampaignPurpose): DncType {
  return BLOCKING[purpose].find((t) => t !== 'all') ?? 'all';
}
