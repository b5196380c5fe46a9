/**
 * `wsbapp vet --junit FILE`: the report as JUnit XML, the format CI systems (GitHub Actions
 * reporters, Jenkins, GitLab, Azure Pipelines) read. One testsuite per rule group, one testcase
 * per rule: a fail (and with --strict a warn) is a <failure>, a skipped rule is <skipped>.
 */
import type { RuleResult, VetReport } from '../index';
import { RULE_GROUPS } from '../index';

// XML 1.0 has no way to write these control characters, not even escaped: they are dropped.
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(XML_FORBIDDEN, '');

/** The observations and the fix, as the body of a failure or the test's output. */
function details(rule: RuleResult): string {
  const seen = rule.observations.map((o) => {
    const code = o.hex ? ` ${o.hex}${o.symbol ? ` ${o.symbol}` : ''}` : '';
    const time = o.elapsedMs === undefined ? '' : ` ${o.elapsedMs} ms`;
    const component = o.component == null ? '' : ` [${o.component}]`;
    return `${o.call}${component}:${code}${time}${o.note ? ` (${o.note})` : ''}`;
  });
  return [rule.summary, ...seen, ...(rule.fix ? [`fix: ${rule.fix}`] : [])].join('\n');
}

function testcase(rule: RuleResult, strict: boolean): string {
  const open = `    <testcase classname="wsbapp.vet.${rule.group}" name="${escapeXml(rule.id)}">`;
  const failing = rule.verdict === 'fail' || (strict && rule.verdict === 'warn');
  if (failing)
    return `${open}\n      <failure type="${rule.verdict}" message="${escapeXml(rule.summary)}">${escapeXml(details(rule))}</failure>\n    </testcase>`;
  if (rule.verdict === 'skipped') return `${open}\n      <skipped message="${escapeXml(rule.reason ?? '')}"/>\n    </testcase>`;
  return `${open}\n      <system-out>${escapeXml(`${rule.verdict.toUpperCase()}: ${details(rule)}`)}</system-out>\n    </testcase>`;
}

export function junitXml(report: VetReport): string {
  const suites = RULE_GROUPS.map((group) => {
    const rules = report.rules.filter((r) => r.group === group);
    const failures = rules.filter((r) => r.verdict === 'fail' || (report.strict && r.verdict === 'warn')).length;
    const skipped = rules.filter((r) => r.verdict === 'skipped').length;
    const head = `  <testsuite name="${escapeXml(`${report.application}: ${group}`)}" tests="${rules.length}" failures="${failures}" errors="0" skipped="${skipped}">`;
    return [head, ...rules.map((r) => testcase(r, report.strict)), '  </testsuite>'].join('\n');
  });
  const failures = report.counts.fail + (report.strict ? report.counts.warn : 0);
  const time = (report.elapsedMs / 1000).toFixed(3);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="wsbapp vet ${escapeXml(report.application)}" tests="${report.rules.length}" failures="${failures}" errors="0" skipped="${report.counts.skipped}" time="${time}">\n${suites.join('\n')}\n</testsuites>\n`;
}
