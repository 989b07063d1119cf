import type { Knex } from 'knex';
import { AccountError } from '../../accounts/errors.js';
import { findCampaign } from '../repositories/campaigns.js';
import { writeAudit } from '../audit.js';

/**
 * Which people work which campaigns: supervisors, team leads and QA see only these; agents log
 * in only to these. Admins are never assigned (they see every campaign).
 */
export class AssignmentStore {
  constructor(private readonly db: Knex) {}

  /** Assigns a user to a campaign (by id or code); assigning twice is no change. */
  async assign(username: string, campaign: string, actor: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const { user, c } = await this.pair(trx, username, campaign);
      if (user.role === 'admin')
        throw new AccountError(`${username} is an admin: admins see every campaign`, 400);
      const added = await trx('campaign_assignments')
        .insert({ user_id: user.id, campaign_id: c.id, assigned_by: actor })
        .onConflict(['user_id', 'campaign_id'])
        .ignore()
        .returning('user_id');
      if (added.length === 0) return;
      await writeAudit(trx, {
        actor,
        action: 'user.assign',
        entity: 'user',
        entityId: username,
        details: { campaign: c.code, campaignId: c.id },
      });
    });
  }

  async unassign(username: string, campaign: string, actor: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const { user, c } = await this.pair(trx, username, campaign);
      const n = await trx('campaign_assignments').where({ user_id: user.id, campaign_id: c.id }).delete();
      if (n === 0) return;
      await writeAudit(trx, {
        actor,
        action: 'user.unassign',
        entity: 'user',
        entityId: username,
        details: { campaign: c.code, campaignId: c.id },
      });
    });
  }

  /** Campaign ids a user (by username) is assigned to. */
  async campaignsOf(username: string): Promise<number[]> {
    const rows = await this.db('campaign_assignments as a')
      .join('agents as u', 'u.id', 'a.user_id')
      .where('u.username', username)
      .pluck<number[]>('a.campaign_id');
    return rows.map(Number);
  }

  private async pair(trx: Knex.Transaction, username: string, campaign: string) {
    const user = await trx('agents')
      .where({ username })
      .first<{ id: number; role: string } | undefined>('id', 'role');
    if (!user) throw new AccountError(`no user "${username}"`, 404);
    const c = await findCampaign(trx, campaign);
    if (!c) throw new AccountError(`no campaign "${campaign}"`, 404);
    return { user, c };
  }
}
