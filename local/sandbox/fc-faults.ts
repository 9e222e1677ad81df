import type { Faults } from './faults';
import { ruleFault, type NamedFault } from './named-faults';

/**
 * The FC API's named fault, on the FC emulator's raw switch (its signature code is untouched): InvokeFunction
 * answers 503 in FC's error shape, as when the webhook hands work to ops-worker during an FC outage. 503's documented
 * code is ResourceThrottled (FC error-code table); timers and the async queue itself keep working.
 */
export function fcFaults(faults: Faults): NamedFault[] {
  return [
    ruleFault({
      name: 'fc-handoff',
      description: 'FC InvokeFunction answers 503 ResourceThrottled: the webhook cannot hand work to ops-worker (it answers 503)',
      faults,
      rule: () => ({
        method: 'POST',
        path: '/functions/[^/]+/invocations$',
        status: 503,
        body: { ErrorCode: 'ResourceThrottled', ErrorMessage: 'Function resources are temporarily unavailable, please retry later', RequestId: 'injected-fault' },
      }),
    }),
  ];
}
