/** The write adapters with every call going through its system's gate (system-gate.ts). */
import type { Adapters } from '../adapters.ts';
import type { WriteSystem } from '../store/types.ts';
import type { SystemGate } from './system-gate.ts';

export type SystemGates = Record<WriteSystem, SystemGate>;

export function guardAdapters(adapters: Adapters, gates: SystemGates): Adapters {
  return { crm: guard(adapters.crm, gates.CRM), erp: guard(adapters.erp, gates.ERP), commerce: guard(adapters.commerce, gates.COMMERCE) };
}

/** The adapter with each of its methods run through `gate` (the adapters are plain objects of closures). */
function guard<T extends object>(adapter: T, gate: SystemGate): T {
  return Object.fromEntries(Object.entries(adapter).map(([name, member]) => [
    name,
    typeof member === 'function' ? (...args: unknown[]) => gate.run(() => member.apply(adapter, args)) : member,
  ])) as T;
}
