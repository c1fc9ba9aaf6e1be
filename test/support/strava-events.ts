/** Strava's webhook event for an athlete who took our access away (`authorized: "false"`), with any extra fields. */
export function stravaDeauthorization(owner: number, fields: Record<string, unknown> = {}) {
  return { object_type: 'athlete', object_id: owner, aspect_type: 'update', owner_id: owner, updates: { authorized: 'false' }, ...fields };
}
