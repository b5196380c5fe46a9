import { createNativeMockBackend } from '../../lib/backends/native';
import { describeConformance } from '../conformance/runner';
import { eventually } from './helpers';

// Releases reach the native mock on COM threads: wait (bounded) for the count to settle.
describeConformance('native-mock', (scenario) => createNativeMockBackend(scenario), {
  liveObjects: async (backend) => {
    await eventually(() => backend.stats().liveObjects === 0);
    return backend.stats().liveObjects;
  },
});
