import { Type, type Static } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

/** An opaque keyset cursor (base64url). Bounded so a garbage cursor cannot be huge. */
export const Cursor = Type.String({ pattern: '^[A-Za-z0-9_-]{1,512}$' });
export const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 20 });

export const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 1, maxLength: 64 });
