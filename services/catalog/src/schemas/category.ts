import { Type, type Static } from 'typebox';
import { Slug, Uuid } from './common.ts';

export const Category = Type.Object({
  id: Uuid,
  slug: Slug,
  name: Type.String(),
  description: Type.String(),
});
export type Category = Static<typeof Category>;

export const CategoryCreate = Type.Object(
  {
    slug: Slug,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type CategoryCreate = Static<typeof CategoryCreate>;

export const CategoryUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CategoryUpdate = Static<typeof CategoryUpdate>;

export const CategoryList = Type.Object({ items: Type.Array(Category) });
