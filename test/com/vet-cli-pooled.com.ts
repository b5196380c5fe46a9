/** The vet CLI table (harness/vet-table.ts) against the sample add-in serving again after each activation (pooled). */
import './harness/jest-globals';
import { describeVetTable } from './harness/vet-table';

describeVetTable('pooled');
