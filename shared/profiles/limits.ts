/** Caps that keep a typical profile ≤ 1 KB and every profile ≤ 8 KB (DESIGN "Profile"). */
export const PROFILE_LIMITS = {
  dailyWindowDays: 90,
  hourlyWindowHours: 48,
  recentProducts: 10,
  cartItems: 50,
  /** Redelivery of a message blocks its FIFO group, so a short ring covers it; hashed ids (recent-ids.ts). */
  recentIds: 24,
  /** Distinct values kept per tracked property of one event (the most recent win). */
  trackedValuesPerProperty: 20,
  orderDayNumbers: 400,
  maxProfileBytes: 8 * 1024,
} as const;
