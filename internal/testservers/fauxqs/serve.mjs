// Serves fauxqs's SQS (JSON protocol) on 127.0.0.1:PORT, PORT the first
// argument, for the SQS tests (internal/testservers). fauxqs's own CLI
// listens on every interface; its app listens where it is told. Queue
// URLs name the address requests come to: http://127.0.0.1:PORT/ACCOUNT/NAME.
import { buildApp } from "fauxqs";

const port = Number(process.argv[2]);
const app = buildApp({ logger: false });
await app.listen({ port, host: "127.0.0.1" });
