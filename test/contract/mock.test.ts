import { createMockBackend } from '../../lib';
import { describeBackendContract } from './suite';

describeBackendContract('mock', (scenario) => createMockBackend(scenario));
