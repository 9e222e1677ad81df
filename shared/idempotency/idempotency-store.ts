/**
 * Dedupe records behind a narrow port (after the persistence layer of powertools' idempotency utility,
 * https://github.com/aws-powertools/powertools-lambda-typescript/tree/1e5fe1b4/packages/idempotency/src/persistence). A
 * store only saves work: every effect behind it stays idempotent by construction (ADR 0004, decisions 3–4).
 *
 *   (absent) --putIfAbsent--> INPROGRESS --update--> COMPLETED --TTL--> (absent)
 *                                  \--delete (the work failed)--> (absent)
 *   An INPROGRESS record whose holder died expires too, so a stuck key frees itself.
 */
export type IdempotencyStatus = 'INPROGRESS' | 'COMPLETED';

export interface IdempotencyRecord<T = unknown> {
  key: string;
  status: IdempotencyStatus;
  /** Epoch milliseconds after which the record no longer counts (get/putIfAbsent treat it as absent). */
  expiresAt: number;
  /** What the completed work returned, replayed to later identical requests. */
  result?: T;
}

/** Result of `putIfAbsent`: stored, or the live record that was already there. */
export type PutResult<T = unknown> = { stored: true } | { stored: false; existing: IdempotencyRecord<T> };

/** The port. Implementations must make `putIfAbsent` atomic per key. */
export interface IdempotencyStore {
  get<T = unknown>(key: string): Promise<IdempotencyRecord<T> | undefined>;
  putIfAbsent<T = unknown>(record: IdempotencyRecord<T>): Promise<PutResult<T>>;
  update<T = unknown>(record: IdempotencyRecord<T>): Promise<void>;
  delete(key: string): Promise<void>;
}
