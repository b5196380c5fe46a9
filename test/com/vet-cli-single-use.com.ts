/**
 * The vet CLI table (harness/vet-table.ts) against the sample add-in as ATL-style servers live:
 * a single-use class factory, one activation per process, exit at the last Release.
 */
import './harness/jest-globals';
import { describeVetTable } from './harness/vet-table';

describeVetTable('single-use');
