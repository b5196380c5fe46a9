/**
 * The Windows workflow (.github/workflows/windows.yml) cannot run in this project's CI, so it is
 * checked here: it parses as YAML, and it has the shape README promises (MSVC builds through
 * node-gyp and cmake-js, npm test, the contract suite against the sample add-in).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
}
interface Job {
  readonly 'runs-on': string;
  readonly needs?: string;
  readonly steps: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
}

const root = join(__dirname, '..', '..');
const document = parseDocument(readFileSync(join(root, '.github', 'workflows', 'windows.yml'), 'utf8'));
const workflow = document.toJS() as Workflow;
const jobs = Object.values(workflow.jobs);
const runs = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n');

test('parses as YAML with no errors or warnings', () => {
  expect(document.errors).toEqual([]);
  expect(document.warnings).toEqual([]);
});

test('runs on push and pull requests', () => {
  expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
});

test('a windows-2022 job builds with node-gyp and cmake-js, runs npm test and the contract suite', () => {
  const windows = jobs.find((job) => job['runs-on'] === 'windows-2022');
  expect(windows).toBeDefined();
  const script = runs(windows!);
  for (const command of [
    'npm ci',
    'npm run build:native',
    'npm test',
    'cmake-js compile',
    'tsc -p tsconfig.com.json',
    "'contract-pooled', 'contract-single-use', 'vet-cli-pooled', 'vet-cli-single-use'",
    '$file.com.js',
    'backup-agent.exe',
  ]) {
    expect(script).toContain(command);
  }
});

test('the sample add-in the contract suite needs comes from the job that builds it', () => {
  const windows = jobs.find((job) => job['runs-on'] === 'windows-2022')!;
  const builder = workflow.jobs[windows.needs ?? ''];
  expect(builder).toBeDefined();
  expect(runs(builder)).toContain('scripts/wine/build-sample-addin.sh --no-register');
  const uploaded = builder.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))?.with?.name;
  const downloaded = windows.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'))?.with?.name;
  expect(uploaded).toBeDefined();
  expect(downloaded).toBe(uploaded);
});

test('every action is pinned to a major version, and every script it runs exists', () => {
  const steps = jobs.flatMap((job) => job.steps);
  for (const step of steps.filter((s) => s.uses !== undefined)) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  const scripts = steps.flatMap((step) => (step.run ?? '').match(/\b(?:scripts|examples)\/[\w./-]+\.(?:sh|js)\b/g) ?? []);
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(existsSync(join(root, script))).toBe(true);
});
