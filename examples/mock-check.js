// A consistency check against the mock backend: running -> running -> consistent.
// Run: node examples/mock-check.js   (after npm install, which builds dist/)
const { checkConsistency, createMockBackend } = require('wsbapp');

const backend = createMockBackend({
  applications: [
    {
      writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}',
      identifier: 'Contoso Mail',
      components: { 'Mailbox Database 01': { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', 'WSBAPP_ASYNC_IN_PROGRESS', 'S_OK'] } },
    },
  ],
});

checkConsistency(
  { application: 'Contoso Mail', component: 'Mailbox Database 01' },
  {
    backend,
    interval: 200,
    onStatus: (e) => console.log(`poll ${e.polls}: ${e.state} (${e.hex})`),
  },
).then((result) => console.log(`verdict: ${result.outcome} after ${result.polls} polls, ${result.elapsedMs} ms`));
