import type { Migration } from 'kysely';
import * as initial from './20261121T130000-initial';

/** Every migration, by name; names sort in the order they run. Add new files here. */
export const migrations: Record<string, Migration> = {
  '20261121T130000-initial': initial,
};
