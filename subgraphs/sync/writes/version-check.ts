/** The version check shared by every mutation: which systems changed since the client's token. */
import { GraphQLError } from 'graphql';
import { codedError } from '../../../schema/errors.ts';
import { decodeVersion, unavailableSystems } from '../../shared/version.ts';
import type { SourceSystem } from '../../shared/sources.ts';

/**
 * Throws VERSION_CONFLICT (with currentVersion and the changed systems) unless every one of `systems`
 * is unchanged between the client's token and the current one. A system that cannot be read now is
 * left to its deferred write's own check; a token issued while a system could not be read proves
 * nothing about that system, so it conflicts.
 */
export function assertVersion(what: string, expectedVersion: string, currentVersion: string, systems: SourceSystem[]): void {
  const expected = decodeVersion(expectedVersion) ?? {};
  const current = decodeVersion(currentVersion) ?? {};
  const unreadable = new Set(unavailableSystems(currentVersion));
  const unproven = new Set(unavailableSystems(expectedVersion));
  // Neither the client nor we could read it: no version can be proven until that system is back.
  const stillDown = systems.filter((s) => unproven.has(s) && unreadable.has(s));
  if (stillDown.length > 0) {
    throw codedError('UPSTREAM_UNAVAILABLE', `The ${what}'s ${stillDown.join(', ')} record cannot be read, so its version cannot be checked; retry when it is back.`, { systems: stillDown });
  }
  // A token without a system (another kind of token) proves nothing about it either.
  const changed = systems.filter((s) => !(s in expected) || unproven.has(s) || (!unreadable.has(s) && expected[s] !== current[s]));
  if (changed.length > 0) {
    throw codedError('VERSION_CONFLICT', `The ${what} changed since this version was read (${changed.join(', ')}); nothing was written. Read it again and retry.`,
      { currentVersion, systems: changed });
  }
}

/** BAD_USER_INPUT unless the token is one this API issued. */
export function assertVersionToken(expectedVersion: string): void {
  if (decodeVersion(expectedVersion) === null) {
    throw codedError('BAD_USER_INPUT', 'Argument "expectedVersion" is not a version this API issued.', { field: 'expectedVersion' });
  }
}

/** The changed systems and the version read when `err` is assertVersion's VERSION_CONFLICT, else null. */
export function versionConflict(err: unknown): { systems: string[]; currentVersion: string } | null {
  if (!(err instanceof GraphQLError) || err.extensions.code !== 'VERSION_CONFLICT') return null;
  return { systems: err.extensions.systems as string[], currentVersion: err.extensions.currentVersion as string };
}

