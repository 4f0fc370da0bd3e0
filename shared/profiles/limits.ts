/** Caps that keep a typical profile ≤ 1 KB and every profile ≤ 8 KB (DESIGN "Profile"). */
export const PROFILE_LIMITS = {
  dailyWindowDays: 90,
  hourlyWindowHours: 48,
  recentProducts: 10,
  cartItems: 50,
  /** Redelivery of a message blocks its FIFO group, so a short ring covers it; hashed ids (recent-ids.ts). */
  recentIds: 24,
  /**
   * Applied ids kept whatever the size (trim.ts): a redelivery within minutes must still be caught,
   * so a queue message carries at most this many (request-messages.ts).
   */
  recentIdsFloor: 10,
  /** Distinct values kept per tracked property of one event (the most recent win). */
  trackedValuesPerProperty: 20,
  orderDayNumbers: 400,
  /** Surveys whose last answer is kept (the most recently answered win). */
  surveys: 5,
  /** Characters of a survey comment kept in the profile's `nps.excerpt` (the comment is its own item). */
  commentExcerpt: 60,
  /** Open complaints kept by id, and resolved ids remembered (a resolution before its opening still closes it). */
  openComplaints: 10,
  resolvedComplaintIds: 10,
  maxProfileBytes: 8 * 1024,
} as const;
