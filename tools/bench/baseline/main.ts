/**
 * Benchmark baseline only (tools/bench): the same environments as `npm run synth`, set up the
 * way `cdktf init --template=typescript` does it: `cdktf synth` runs `npx ts-node main.ts`
 * (type-checking on), and the app imports the provider barrel. Built from our own constructs
 * (createApp from apps/catalog) so the comparison is of the setup, not of the stacks.
 * Never imported by the product; excluded from tools' typecheck and jest (tools/tsconfig.json,
 * tools/jest.config.js).
 */
// The barrel is the point of this file: it is what the lint rule forbids everywhere else.
// eslint-disable-next-line no-restricted-imports
import * as aws from "@cdktf/provider-aws";
import { dirname } from "node:path";
import { createApp, findRepoRoot } from "@sse-kms/blueprint-catalog";

// A value use, so that TypeScript keeps the import and the whole barrel is loaded at run time.
if (typeof aws.kmsKey.KmsKey !== "function") throw new Error("the @cdktf/provider-aws barrel did not load");

// This folder has a cdktf.json of its own: look for the repository's above it.
const app = createApp(findRepoRoot(dirname(__dirname)));
app.synth();
