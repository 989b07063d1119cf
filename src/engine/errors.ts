/** Something an action names does not exist here (a campaign, an agent, a session). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** A PBX node the action needs cannot be reached now (HTTP 503: try again when it is up). */
export class PbxUnavailableError extends Error {
  override readonly name = 'PbxUnavailableError';
}

/** An error of a preview action, with the HTTP status it maps to. */
export class PreviewError extends Error {
  override readonly name = 'PreviewError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 503,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** An agent's login refused by the rules (deactivated, not assigned, a draft, another campaign). */
export class AgentLoginError extends Error {
  override readonly name = 'AgentLoginError';
  constructor(
    message: string,
    readonly status: 403 | 409,
  ) {
    super(message);
  }
}
