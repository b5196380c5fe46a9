import { createNativeMockBackend } from '../../lib/backends/native';
import { describeBackendContract } from '../contract/suite';

describeBackendContract('native-mock', (scenario) => createNativeMockBackend(scenario));
