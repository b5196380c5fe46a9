/** docs/vet.md documents every rule exactly as the rule table says (the table is the source). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, RULE_GROUPS } from '../../lib/index';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'vet.md'), 'utf8');
const cell = (text: string) => text.replace(/\|/g, '\\|');

describe('docs/vet.md', () => {
  it.each(RULES.map((r) => [r.id, r] as const))('has the row of %s', (_id, rule) => {
    expect(doc).toContain(`| \`${rule.id}\` | ${rule.title} | ${cell(rule.why)} | ${cell(rule.fix)} |`);
  });

  it('has a section per group and no rule the table lacks', () => {
    for (const group of RULE_GROUPS) expect(doc).toContain(`\n### ${group}\n`);
    const documented = [...doc.matchAll(/^\| `([a-z]+\.[a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(RULES.map((r) => r.id));
  });
});
