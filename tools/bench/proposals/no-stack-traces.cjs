// Benchmark only (bench.mjs --proposals): `node -r ./no-stack-traces.cjs dist/app.js`.
// cdktf 0.21 captures a complete stack trace (Error.stackTraceLimit = MAX_SAFE_INTEGER) for every
// token it creates: each Lazy, each attribute reference, each complex attribute object of a
// generated resource class (aws_s3_bucket alone creates dozens). The traces are only read when a
// token fails to resolve. aws-cdk made the same capture opt-in (CDK_DEBUG) because it is
// expensive; this measures cdktf with the capture off unless CDKTF_DEBUG is set.
"use strict";
if (!process.env.CDKTF_DEBUG) {
  const stackTrace = require("cdktf/lib/tokens/private/stack-trace");
  // Every caller in cdktf reads the export at call time (`(0, stack_trace_1.captureStackTrace)()`).
  stackTrace.captureStackTrace = () => [];
}
