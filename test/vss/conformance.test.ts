/** The VSS conformance table on the TypeScript mock. */
import { createVssMock } from '../../lib';
import { describeVssConformance } from './runner';

describeVssConformance('the TypeScript mock', createVssMock);
