/**
 * The customers `sadakat doctor` creates to test a deployed stack end to end: `sadakat-doctor:<run>:<case>`.
 * They go through ingest, process-events and send like anyone, but no journey takes them in and no
 * report counts them, and the doctor erases them when it is done.
 */
export const DOCTOR_CUSTOMER_PREFIX = 'sadakat-doctor:';

/** The journey id the doctor's send requests carry; campaign validation reserves it. */
export const DOCTOR_JOURNEY_ID = 'sadakat-doctor';

export function doctorCustomerId(runId: string, testCase: string): string {
  return `${DOCTOR_CUSTOMER_PREFIX}${runId}:${testCase}`;
}

export function isDoctorCustomer(customerId: string): boolean {
  return customerId.startsWith(DOCTOR_CUSTOMER_PREFIX);
}
