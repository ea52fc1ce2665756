/**
 * The construct tests' kit (a subpath: `@sse-kms/construct-kit/testing`, never loaded by shipped
 * code): a bare stack with an AWS provider in a test app, and its synthesized Terraform JSON.
 * Blueprint-level tests use `@sse-kms/testing` (fixture environments, blueprint stacks).
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";

/** Parsed Terraform JSON: a loose record, read by tests with their own expectations. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** A stack named "test" with a default AWS provider in `region`, in a fresh test app. */
export function newTestStack(region = "eu-west-1"): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region });
  return stack;
}

/** The stack's Terraform JSON, parsed. */
export function synthJson(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack)) as Json;
}
