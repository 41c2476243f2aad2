import type { Migration } from 'kysely';
import * as initial from './20261121T130000-initial';
import * as accessAndBudgets from './20261121T140000-access-and-budgets';
import * as promptTemplate from './20261121T153000-prompt-template';
import * as armDrift from './20261121T160000-arm-drift';
import * as feedbackWeight from './20261121T200000-feedback-weight';
import * as wordArms from './20261121T220000-word-arms';
import * as wordsLogOdds from './20261122T040000-words-log-odds';
import * as armTxid from './20261122T050000-arm-txid';
import * as armRefuted from './20261206T010000-arm-refuted';
import * as requestTags from './20261206T030000-request-tags';
import * as requestKind from './20261206T200000-request-kind';
import * as budgetUnique from './20261207T013000-budget-unique';
import * as tenantDeleted from './20261207T030000-tenant-deleted';
import * as requestKindJudge from './20261207T040000-request-kind-judge';

/** Every migration, by name; names sort in the order they run. Add new files here. */
export const migrations: Record<string, Migration> = {
  '20261121T130000-initial': initial,
  '20261121T140000-access-and-budgets': accessAndBudgets,
  '20261121T153000-prompt-template': promptTemplate,
  '20261121T160000-arm-drift': armDrift,
  '20261121T200000-feedback-weight': feedbackWeight,
  '20261121T220000-word-arms': wordArms,
  '20261122T040000-words-log-odds': wordsLogOdds,
  '20261122T050000-arm-txid': armTxid,
  '20261206T010000-arm-refuted': armRefuted,
  '20261206T030000-request-tags': requestTags,
  '20261206T200000-request-kind': requestKind,
  '20261207T013000-budget-unique': budgetUnique,
  '20261207T030000-tenant-deleted': tenantDeleted,
  '20261207T040000-request-kind-judge': requestKindJudge,
};
