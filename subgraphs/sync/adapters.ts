/** The write adapters the orchestrator uses, one per system of record (each lives in its system's folder). */
import type { CommerceOrderAdapter, CrmWriteAdapter, CustomerWriteAdapter, ErpOrderAdapter } from '../shared/write-adapter.ts';

export interface Adapters {
  crm: CrmWriteAdapter;
  erp: CustomerWriteAdapter & ErpOrderAdapter;
  commerce: CustomerWriteAdapter & CommerceOrderAdapter;
}
