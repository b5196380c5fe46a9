#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm run build:ts` (run by `prepare` on npm install).
require('../dist/cli/main.js').main();
