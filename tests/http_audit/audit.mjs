// Runs graphql-http's server audits against the URL given as the only argument and prints
// every result as one JSON line per audit; the exit code is 0 whatever the results are
// (the pytest test reads them and decides).
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}
const results = await auditServer({ url });
for (const result of results) {
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
    if (result.response) {
      line.responseStatus = result.response.status;
      try {
        line.body = (await result.response.text()).slice(0, 500);
      } catch {
        line.body = null;
      }
    }
  }
  console.log(JSON.stringify(line));
}
