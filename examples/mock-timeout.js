// A check that never finishes: the timeout calls Abort exactly once, then releases once.
// Run: node examples/mock-timeout.js
const { checkConsistency, createMockBackend } = require('wsbapp');

const backend = createMockBackend({
  applications: [
    {
      writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}',
      identifier: 'Contoso Mail',
      components: { '*': { statuses: ['WSBAPP_ASYNC_IN_PROGRESS'] } },
    },
  ],
});

checkConsistency({ application: 'Contoso Mail', component: 'Slow' }, { backend, interval: 100, timeout: 1000 })
  .catch((error) => console.log(`${error.code}: ${error.message}`))
  .finally(() => console.log('calls:', backend.calls.map((c) => (c.target ? `${c.method}(${c.target})` : c.method)).join(', ')));
