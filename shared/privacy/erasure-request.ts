/**
 * The admin API's request body (functions/admin-forget.ts): one customer per call. Unknown keys
 * are refused, so a typo such as `dryrun` cannot turn a dry run into a real erasure.
 */
import * as z from 'zod';
import type { ForgetRequest } from './forget-customer.js';

export const erasureRequestSchema = z.strictObject({
  customerId: z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
  dryRun: z.boolean().optional(),
  /** Also put the customer's email and phone on the hashed suppression list. */
  suppress: z.boolean().optional(),
});
export type ErasureRequest = z.infer<typeof erasureRequestSchema>;

export function forgetRequestOf(request: ErasureRequest): ForgetRequest {
  return {
    customerId: request.customerId,
    dryRun: request.dryRun === true,
    suppressAddresses: request.suppress === true,
  };
}
