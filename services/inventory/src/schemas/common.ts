import { Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

export const Problem = Type.Object(
  { type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.String() },
  { additionalProperties: true },
);
