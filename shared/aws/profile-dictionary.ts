/**
 * The preset dictionary of the compressed profile document, format 1 (`p1`; docs/decisions.md
 * 185). Deflate starts with these bytes already "seen": a profile's attribute names, nested keys,
 * standard event names and enum values then cost a few bits each instead of their letters,
 * which is most of what a ~1 KB profile is. It holds no customer data — only the schema's names
 * and common values — and the most frequent fragments come last (shorter back-references).
 *
 * NEVER EDIT: every stored `p1` document needs exactly these bytes to be read (a test pins their
 * hash). A better dictionary is a new format (`p2`) whose reader keeps this one.
 */
export const PROFILE_DICTIONARY_1 = [
  '{"mergedInto":"anon:","anonymousIds":["anon:"],"traits":{},"holdout":true,',
  '"suppressed":{"email":true,"sms":true},"pending":{"email":{"address":"","at":1},"phone":{"number":"+',
  '"whatsapp":{"lastInboundAt":1',
  '"surveys":{"nps":{"score":10,"at":1,"orderId":"',
  '"nps":{"last":10,"at":1,"category":"promoter","passive","detractor","surveyId":"nps","excerpt":"',
  '"complaints":{"open":0,"oldestOpenAt":1,"categories":[],"opened":1,"resolved":1,"lastResolvedAt":1,"items":{},"resolvedIds":["',
  '"clv":{"pAlive":0.9,"expectedPurchases30d":0.1,"value12m":1,"tier":"high","medium","low","pNoPurchase30d":0.9',
  '"experiments":{"":{"variant":"control","assignedAt":1',
  '"pendingSegmentChanges":[{"entered":[],"exited":[],"at":1',
  '"channels":{"push":[{"token":"","platform":"ios","android","endpoint":"arn:aws:sns:","enabled":true,"at":1}],"phoneWrongAt":1',
  '"refunds":{"count":1,"amount":1},"tierGraceUntil":1,"tier":"bronze","silver","gold","platinum"',
  '"cart":{"items":[{"productId":"","quantity":1,"price":1,"at":1}],"value":1,"updatedAt":1,"clearedAt":1,"replacedAt":1,"removedAt":{"":1',
  '"recent":{"viewed":[{"productId":"","category":"","at":1}],"carted":[{"productId":"","category":"","at":1}]}',
  '"Checkout Started","Cart Viewed","Product Removed","Order Refunded","Survey Answered","Complaint Opened","Complaint Resolved","Call Completed","Page Viewed"',
  '"events":{"Order Completed":{"lastAt":1,"count":1,"daily":{"20":1},"hourly":{"49":1}},"Product Added":{"lastAt":1,"count":1,"daily":{"20":1},"hourly":{"49":1},"props":{"category=',
  '"Product Viewed":{"lastAt":1,"count":1,"daily":{"20":1},"hourly":{"49":1},"props":{"category=":{"lastAt":1,"count":1,"daily":{"20":1},"hourly":{"49":1}}}}',
  '"segments":{"":{"enteredAt":1}},"recentIds":["e","o","i"],"archiveKey":"","createdAt":1,"updatedAt":1,',
  '"rfm":{"r":1,"f":1,"m":1,"segment":"hibernating","at_risk","cant_lose","about_to_sleep","need_attention","loyal_customers","promising","new_customers","potential_loyalists","champions"},"recommendations":["',
  '"fieldTimes":{"rfm":1,"clv":1,"recommendations":1,"timezone":1,"locale":1,"channels.email":1,"channels.phone":1,"name.first":1,"name.last":1,"traits.',
  '"id":"","name":{"first":"","last":""},"locale":"tr-TR","timezone":"Europe/Istanbul","channels":{"email":"","phone":"+90","push":[]},',
  '"orders":{"count":1,"revenue":1,"firstAt":1,"lastAt":1,"days":1,"firstAmount":1,"repeatRevenue":0,"dayNumbers":[20',
  '"spendMonths":{"6":[1,1]},"consent":{"email":{"granted":true,"at":1},"sms":{"granted":false,"at":1},"push":{"granted":false,"at":1},"call":{"granted":true,"at":1},"whatsapp":{"granted":true,"at":1,"untimed":true}}}',
].join('');
