import { qualifiedName, type ResourceType } from './resources';

/** A metav1.Status cause (field errors of a 422). */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** A metav1.Status failure the request handlers throw; the router sends it as the response body. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
  }

  /** The wire body, shaped exactly as kube-apiserver writes it. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const det = (t: ResourceType, name: string, extra: Record<string, unknown> = {}) => ({
  name,
  ...(t.group ? { group: t.group } : {}),
  kind: t.plural,
  ...extra,
});

/** Build a metav1.Status body for the fault switch (e.g. a 500 InternalError or a 409 Conflict). */
export function kubeStatus(code: number, reason: string, message: string): Record<string, unknown> {
  return new StatusError(code, reason, message).toStatus();
}

export const notFound = (t: ResourceType, name: string): StatusError =>
  new StatusError(404, 'NotFound', `${qualifiedName(t)} "${name}" not found`, det(t, name));

export const alreadyExists = (t: ResourceType, name: string): StatusError =>
  new StatusError(409, 'AlreadyExists', `${qualifiedName(t)} "${name}" already exists`, det(t, name));

/** Optimistic-concurrency failure on a stale resourceVersion. */
export const conflict = (t: ResourceType, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): StatusError =>
  new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(t)} "${name}": ${why}`, det(t, name));

/** 422 with field causes; message format of apimachinery's NewInvalid. */
export function invalid(t: ResourceType, name: string, causes: StatusCause[]): StatusError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
  // apimachinery NewInvalid prints the qualified kind: `ImageCache.eci.alibabacloud.com "x" is invalid: …`.
  const kind = t.group ? `${t.kind}.${t.group}` : t.kind;
  return new StatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${list}`, det({ ...t, plural: t.kind }, name, { causes }));
}

export const badRequest = (message: string): StatusError => new StatusError(400, 'BadRequest', message);

export const unsupportedMediaType = (accepted: string[]): StatusError =>
  new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );

export const methodNotAllowed = (): StatusError =>
  new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export const unauthorized = (): StatusError => new StatusError(401, 'Unauthorized', 'Unauthorized');

export const pathNotFound = (): StatusError => new StatusError(404, 'NotFound', 'the server could not find the requested resource');
