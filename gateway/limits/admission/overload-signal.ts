/**
 * Admission control that also calls `overloaded` whenever it refuses a request for overload (not when
 * its client left): what the acceptor process (gateway/acceptor/) needs to know to refuse new
 * connections itself before the gateway would take them in late.
 */
import type { AdmissionControl } from './admission-control.ts';

export function noticingOverload(admission: AdmissionControl, overloaded: () => void): AdmissionControl {
  return {
    state: admission.state,
    arrive() {
      const arrival = admission.arrive();
      if (!arrival) {
        overloaded();
        return null;
      }
      return {
        leave: arrival.leave,
        admit: (gone) => arrival.admit(gone).then((slot) => {
          if ('refused' in slot && slot.refused !== 'gone') overloaded();
          return slot;
        }),
      };
    },
  };
}
