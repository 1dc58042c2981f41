// Reads the cost parameters out of an argon2 PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`),
// so a login can tell that a stored hash was made with weaker settings and upgrade it.

export interface Argon2Params {
  algorithm: string;
  memoryKib: number;
  timeCost: number;
  parallelism: number;
}

const PHC = /^\$(argon2(?:id|i|d))\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/;

export function parseArgon2Params(phc: string): Argon2Params | undefined {
  const match = PHC.exec(phc);
  if (!match) return undefined;
  return { algorithm: match[1]!, memoryKib: Number(match[2]), timeCost: Number(match[3]), parallelism: Number(match[4]) };
}

/** True when the hash is not argon2id or is cheaper than the current settings. */
export function needsRehash(phc: string, current: Omit<Argon2Params, 'algorithm'>): boolean {
  const params = parseArgon2Params(phc);
  if (!params) return true;
  return params.algorithm !== 'argon2id' || params.memoryKib < current.memoryKib || params.timeCost < current.timeCost || params.parallelism !== current.parallelism;
}
