/**
 * `Complaint Opened` / `Complaint Resolved` on the profile (issue 22; server-key events only).
 * The open complaints are kept by id (count, oldest, categories are derived from them) beside the
 * history counts. A resolution that arrives before its opening (a replay, an import) is
 * remembered, so the opening then counts in the history without leaving the complaint open.
 * An id that was resolved is not opened again: a reopened case needs a new complaint id.
 */
import { readId, readText } from './event-properties.js';
import { PROFILE_LIMITS } from './limits.js';
import type { Complaints, Profile } from './schema.js';
import { compareIso, laterIso } from './timestamps.js';

export interface ComplaintEvent {
  complaintId: string;
  category?: string;
  channel?: string;
}

export function readComplaint(properties: Record<string, unknown>): ComplaintEvent | undefined {
  const complaintId = readId(properties.complaint_id);
  if (complaintId === undefined || complaintId === '__proto__') return undefined;
  const category = readText(properties.category);
  const channel = readText(properties.channel);
  return {
    complaintId,
    ...(category !== undefined ? { category } : {}),
    ...(channel !== undefined ? { channel } : {}),
  };
}

export function emptyComplaints(): Complaints {
  return { open: 0, categories: [], opened: 0, resolved: 0, items: {}, resolvedIds: [] };
}

/** Mutates `profile`. */
export function openComplaint(profile: Profile, complaint: ComplaintEvent, at: string): void {
  const next = structuredClone(profile.complaints ?? emptyComplaints());
  if (Object.hasOwn(next.items, complaint.complaintId)) return;
  next.opened++;
  if (!next.resolvedIds.includes(complaint.complaintId)) {
    next.items[complaint.complaintId] = {
      at,
      ...(complaint.category !== undefined ? { category: complaint.category } : {}),
      ...(complaint.channel !== undefined ? { channel: complaint.channel } : {}),
    };
    capOpenItems(next);
  }
  profile.complaints = summarise(next);
}

/** Mutates `profile`. */
export function resolveComplaint(profile: Profile, complaint: ComplaintEvent, at: string): void {
  const next = structuredClone(profile.complaints ?? emptyComplaints());
  if (next.resolvedIds.includes(complaint.complaintId)) return;
  delete next.items[complaint.complaintId];
  next.resolved++;
  next.lastResolvedAt = laterIso(next.lastResolvedAt, at);
  next.resolvedIds = [...next.resolvedIds, complaint.complaintId].slice(-PROFILE_LIMITS.resolvedComplaintIds);
  profile.complaints = summarise(next);
}

/** Whether a promotional send must wait (settings `complaints.pausePromotions`). */
export function hasOpenComplaint(profile: Pick<Profile, 'complaints'>): boolean {
  return (profile.complaints?.open ?? 0) > 0;
}

/** Beyond the cap the oldest open complaints are dropped from the list (they still count as opened). */
function capOpenItems(complaints: Complaints): void {
  const entries = Object.entries(complaints.items);
  if (entries.length <= PROFILE_LIMITS.openComplaints) return;
  entries.sort(([idA, a], [idB, b]) => compareIso(b.at, a.at) || (idA < idB ? -1 : 1));
  complaints.items = Object.fromEntries(entries.slice(0, PROFILE_LIMITS.openComplaints));
}

function summarise(complaints: Complaints): Complaints {
  const open = Object.values(complaints.items);
  const oldest = open.map((item) => item.at).sort(compareIso)[0];
  const { oldestOpenAt: _dropped, ...rest } = complaints;
  return {
    ...rest,
    open: open.length,
    ...(oldest !== undefined ? { oldestOpenAt: oldest } : {}),
    categories: [...new Set(open.flatMap((item) => (item.category !== undefined ? [item.category] : [])))].sort(),
  };
}
