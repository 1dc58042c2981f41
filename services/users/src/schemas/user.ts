import { Type, type Static } from 'typebox';

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
/** Length only: composition rules make passwords worse (NIST SP 800-63B); the cap bounds hashing work. */
export const Password = Type.String({ minLength: 8, maxLength: 128 });
export const DisplayName = Type.String({ minLength: 1, maxLength: 100 });
export const Role = Type.Union([Type.Literal('customer'), Type.Literal('admin')]);

/** What a client may see of an account. No hash, no lockout state: the response schema drops anything else. */
export const User = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  displayName: Type.String(),
  role: Role,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type User = Static<typeof User>;

export const SignupBody = Type.Object({ email: Email, password: Password, displayName: DisplayName }, { additionalProperties: false });
export type SignupBody = Static<typeof SignupBody>;

/** Any password up to the cap may be tried (policies change; old passwords stay valid). */
export const LoginBody = Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

export const LoginResult = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  /** Seconds until the token expires. */
  expiresIn: Type.Integer(),
  user: User,
});

export const ProfileUpdate = Type.Object({ displayName: DisplayName }, { additionalProperties: false, minProperties: 1 });
export type ProfileUpdate = Static<typeof ProfileUpdate>;
