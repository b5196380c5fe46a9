import { createMockBackend } from '../../lib/backends/mock';
import { describeConformance } from './runner';

describeConformance('mock (TypeScript)', (scenario) => createMockBackend(scenario), {
  liveObjects: async (backend) => backend.liveObjects(),
});
