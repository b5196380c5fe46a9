/** The Backend contract suite over real COM (harness/contract-over-com.ts), the sample add-in's servers single-use. */
import './harness/jest-globals';
import { describeContractOverCom } from './harness/contract-over-com';

describeContractOverCom('single-use');
