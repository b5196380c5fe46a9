// Printing results: number formatting, the median of a list, markdown tables.
'use strict';

const f = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function table(title, header, rows) {
  console.log(`\n${title}\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

module.exports = { f, median, table };
