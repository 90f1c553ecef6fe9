/** The write adapters the orchestrator uses, one per system of record (each lives in its system's folder). */
import type { CommerceOrderAdapter, CrmWriteAdapter, ErpOrderAdapter, LinkedWriteAdapter } from '../shared/write-adapter.ts';

export interface Adapters {
  crm: CrmWriteAdapter;
  erp: LinkedWriteAdapter & ErpOrderAdapter;
  commerce: LinkedWriteAdapter & CommerceOrderAdapter;
}
