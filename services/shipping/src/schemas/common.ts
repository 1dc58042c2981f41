import { Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

/** An opaque keyset cursor (base64url), bounded so a garbage cursor cannot be huge. */
export const Cursor = Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' });
