/**
 * Moving a bucket from one stack to another without destroying it (README "Move a bucket to another
 * stack"), applied for real with Terraform against moto_server (moto 5.2.1, loopback only):
 *
 * 1. environment `mv`'s customer-managed stack creates two buckets; an object goes into one;
 * 2. the configuration moves that bucket: out of `mv`'s `blueprints.customer-managed.buckets`, into its
 *    `releasedBuckets` (removed blocks, destroy = false), and into environment `mvto`'s buckets (same
 *    account and region) with `adopt` (import blocks). The README's example moves a bucket between two
 *    blueprints of one environment; this moves it between two environments' customer-managed stacks:
 *    the same two halves, and no other blueprint, so removing one (README "Remove a blueprint")
 *    breaks nothing here;
 * 3. the source stack is applied first: it forgets the bucket, destroys nothing, and the bucket, its
 *    configuration and its object versions are still in S3; planned again, the removed blocks (now for
 *    addresses not in state) plan no change;
 * 4. the destination stack is applied: it imports the bucket and puts it under its own key; the
 *    object versions are untouched, and the next plan of either stack is empty.
 *
 * Terraform's documented behaviour this relies on: "To remove a resource from Terraform state without
 * destroying it, replace the resource block with a removed block and then apply the change"
 * (https://developer.hashicorp.com/terraform/language/state/remove). What a removed block does for an
 * address that is not in state, the docs do not say: step 3's second apply shows it.
 *
 * Runs with `SSE_KMS_ADOPT_APPLY=1` (`npm run test:adopt`, the CI live lane), where a missing
 * moto_server or Terraform fails; in `npm test` it prints a `skipped:` line.
 */
import {
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { EnvironmentSchema, synthEnvironment } from "@sse-kms/blueprint-catalog";
import { encryptedBucketAddresses } from "@sse-kms/bucket-encryption";
import { parseEnvironment } from "@sse-kms/config";
import { compareLock, lockOf } from "@sse-kms/guardrails";
import { MOTO_CREDENTIALS, type MotoServer, applyStackAgainstMoto, findMotoServer, startMotoServer } from "@sse-kms/testing/moto";
import { type StepResult, TerraformSession, terraformAvailability } from "@sse-kms/testing/terraform";
import { motoPlanGap, planChanges } from "../live/moto-gaps";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const MOVING = `mv-moving-${ACCOUNT}`;
const STAYING = `mv-staying-${ACCOUNT}`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const motoBinary = findMotoServer();
const tf = terraformAvailability();
const applyRequested = process.env.SSE_KMS_ADOPT_APPLY === "1";
if (!applyRequested) console.log("skipped: moving a bucket between stacks against moto: runs with SSE_KMS_ADOPT_APPLY=1 (npm run test:adopt)");
else if (!motoBinary) console.log("skipped: moving a bucket between stacks against moto: no moto_server on PATH (or SSE_KMS_MOTO_SERVER)");
else if (!tf.available) console.log(`skipped: moving a bucket between stacks against moto: ${tf.reason}`);
jest.setTimeout(900_000);

(applyRequested ? test : test.skip)("SSE_KMS_ADOPT_APPLY=1 asks for the move: moto_server and Terraform must be there", () => {
  expect(motoBinary ?? "no moto_server on PATH (or SSE_KMS_MOTO_SERVER)").toBeTruthy();
  expect(tf.available ? "available" : tf.reason).toBe("available");
});

const key = (env: string) => ({
  name: "data",
  alias: `alias/${env}-data`,
  description: `${env} data key`,
  rotationPeriodInDays: 365,
  deletionWindowInDays: 7,
  administrators: [role("platform-key-admin")],
  users: [role("app-data")],
});

/** The source environment `mv` before (`moved: false`) and after the move (`moved: true`: the bucket released). */
function source(moved: boolean) {
  return parseEnvironment(
    EnvironmentSchema,
    {
      name: "mv",
      account: ACCOUNT,
      region: REGION,
      awsProviderVersion: "5.100.0",
      ...(moved ? { releasedBuckets: [{ blueprint: "customer-managed", bucket: MOVING }] } : {}),
      blueprints: { "customer-managed": { key: key("mv"), buckets: moved ? [{ name: STAYING }] : [{ name: MOVING }, { name: STAYING }] } },
    },
    "mv environment",
  );
}

/**
 * The destination environment `mvto` (same account and region) after the move: its own key, the bucket
 * adopted with what `npm run adopt:inspect` prints for a bucket this project created (all three
 * optional configurations exist).
 */
function destination() {
  return parseEnvironment(
    EnvironmentSchema,
    {
      name: "mvto",
      account: ACCOUNT,
      region: REGION,
      awsProviderVersion: "5.100.0",
      blueprints: {
        "customer-managed": { key: key("mvto"), buckets: [{ name: MOVING, adopt: { existing: ["publicAccessBlock", "ownershipControls", "policy"] } }] },
      },
    },
    "mvto environment",
  );
}

/** The environment's customer-managed stack, synthesized. */
function stackJson(env: ReturnType<typeof source>): string {
  const stack = synthEnvironment(env).find((s) => s.blueprint === "customer-managed");
  if (!stack) throw new Error(`${env.name}: no customer-managed stack`);
  return stack.json;
}

const failure = (steps: readonly StepResult[]) =>
  steps
    .filter((s) => !s.ok)
    .map((s) => `${s.stdout.slice(-3000)}\n${s.stderr}`)
    .join("\n");

/** Addresses in a stack's state (`terraform show -json`). */
async function stateAddresses(run: { state(): Promise<StepResult> }): Promise<string[]> {
  const shown = await run.state();
  expect(shown.ok ? "ok" : shown.stderr).toBe("ok");
  const doc = JSON.parse(shown.stdout) as { values?: { root_module?: { resources?: { address: string }[] } } };
  return (doc.values?.root_module?.resources ?? []).map((r) => r.address);
}

/**
 * What a re-plan of the applied stack would still change, one line each, minus the changes that are
 * listed moto gaps (tools/live/moto-gaps.ts: moto never returns a key's rotation period, so a key with
 * one re-plans `rotation_period_in_days = 0 -> n`). A removed block that still had work would show as
 * a `forget` action here.
 */
async function replanDifferences(run: { plan(): Promise<StepResult>; work: { name: string; dir: string } }, session: TerraformSession): Promise<string[]> {
  const plan = await run.plan();
  if (plan.exitCode === 0) return [];
  if (plan.exitCode !== 2) return [`${run.work.name}: plan failed: ${plan.stderr}`];
  const shown = await session.run(run.work.dir, ["show", "-json", "replan.tfplan"], { timeoutMs: 300_000 });
  if (!shown.ok) return [`${run.work.name}: show failed: ${shown.stderr}`];
  return planChanges(shown.stdout)
    .filter((c) => !motoPlanGap(c.type, c.path, c.before, c.after))
    .map((c) => `${run.work.name}: ${c.address} ${c.actions.join("/")} ${c.path}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`);
}

test("the moved configuration synthesizes removed blocks for the bucket's six resources in the old stack and import blocks in the new one; the lock calls it forgotten, not destroyed", () => {
  const old = JSON.parse(stackJson(source(true))) as { removed: { from: string; lifecycle: unknown }[]; resource: Record<string, Record<string, unknown>> };
  expect(old.removed).toEqual(encryptedBucketAddresses(MOVING).map((from) => ({ from, lifecycle: { destroy: false } })));
  expect(Object.values(old.resource).some((byName) => MOVING.replace(/-/g, "_") in byName)).toBe(false);
  const target = JSON.parse(stackJson(destination())) as { import: { to: string; id: string }[] };
  expect(target.import.map((i) => i.to).sort()).toEqual(encryptedBucketAddresses(MOVING).sort());
  expect(new Set(target.import.map((i) => i.id))).toEqual(new Set([MOVING]));
  const lock = lockOf(synthEnvironment(source(false)).map((s) => ({ name: s.name, json: s.json })));
  const cmp = compareLock(lock, [...synthEnvironment(source(true)), ...synthEnvironment(destination())].map((s) => ({ name: s.name, json: s.json })));
  const address = `aws_s3_bucket.${MOVING.replace(/-/g, "_")}`;
  expect(cmp.destroyed).toEqual([]);
  expect(cmp.forgotten).toEqual([{ stack: "mv-customer-managed", address }]);
  expect(cmp.untracked).toEqual(expect.arrayContaining([{ stack: "mvto-customer-managed", address }]));
});

const runMove = motoBinary && tf.available && applyRequested ? test : test.skip;

runMove("a bucket moves from one stack to another: forgotten, then imported; nothing destroyed, objects untouched", async () => {
  if (!tf.available || !motoBinary) return;
  const moto: MotoServer = await startMotoServer({ accountId: ACCOUNT });
  const session = new TerraformSession(tf.terraform, tf.mirror, { jobs: 1 });
  const s3 = new S3Client({
    region: REGION,
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: MOTO_CREDENTIALS.access_key, secretAccessKey: MOTO_CREDENTIALS.secret_key },
  });
  const versions = async () => ((await s3.send(new ListObjectVersionsCommand({ Bucket: MOVING }))).Versions ?? []).map((v) => `${v.Key} ${v.VersionId} ${v.ETag}`);
  const kmsKeyOf = async () =>
    (await s3.send(new GetBucketEncryptionCommand({ Bucket: MOVING }))).ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
      ?.KMSMasterKeyID;
  try {
    // 1. Before the move.
    const cm = await applyStackAgainstMoto(stackJson(source(false)), { moto, session, name: "source" });
    expect(cm.ok ? "ok" : failure(cm.steps)).toBe("ok");
    expect(await stateAddresses(cm)).toEqual(expect.arrayContaining(encryptedBucketAddresses(MOVING)));
    // An object in the bucket. moto evaluates the bucket policy on object requests, and its endpoint
    // here is plain http, which the policy denies: the object is written with the policy lifted, and
    // the policy is put back exactly as Terraform wrote it.
    const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: MOVING }))).Policy!;
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: MOVING }));
    await s3.send(new PutObjectCommand({ Bucket: MOVING, Key: "ledger.csv", Body: "a,b\n1,2\n" }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: MOVING, Policy: policy }));
    const before = await versions();
    expect(before).toHaveLength(1);
    const oldKey = await kmsKeyOf();
    expect(oldKey).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\//);

    // 2-3. The source stack forgets the bucket first.
    const movedSource = stackJson(source(true));
    expect((JSON.parse(movedSource) as { removed: { from: string }[] }).removed.map((r) => r.from)).toEqual(encryptedBucketAddresses(MOVING));
    const forget = await applyStackAgainstMoto(movedSource, { moto, session, name: "source" });
    expect(forget.ok ? "ok" : failure(forget.steps)).toBe("ok");
    const applied = forget.steps[1]!.stdout;
    expect(applied).toMatch(/Apply complete! Resources: 0 added, \d+ changed, 0 destroyed\./);
    expect(applied).toContain(`aws_s3_bucket.${MOVING.replace(/-/g, "_")} will no longer be managed by Terraform`);
    const left = await stateAddresses(forget);
    expect(left.filter((a) => encryptedBucketAddresses(MOVING).includes(a))).toEqual([]);
    expect(left).toEqual(expect.arrayContaining(encryptedBucketAddresses(STAYING)));
    // Still in S3, as it was: bucket, versioning, policy, default encryption (old key), object versions.
    await s3.send(new HeadBucketCommand({ Bucket: MOVING }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: MOVING }))).Status).toBe("Enabled");
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: MOVING }))).Policy).toBe(policy);
    expect(await kmsKeyOf()).toBe(oldKey);
    expect(await versions()).toEqual(before);
    // The removed blocks stay in the configuration; for addresses no longer in state they plan nothing.
    expect(await replanDifferences(forget, session)).toEqual([]);

    // 4. The destination stack imports it.
    const im = await applyStackAgainstMoto(stackJson(destination()), { moto, session, name: "destination" });
    expect(im.ok ? "ok" : failure(im.steps)).toBe("ok");
    expect(im.steps[1]!.stdout).toMatch(/Apply complete! Resources: 6 imported, \d+ added, \d+ changed, 0 destroyed\./);
    expect(await stateAddresses(im)).toEqual(expect.arrayContaining(encryptedBucketAddresses(MOVING)));
    const newKey = await kmsKeyOf();
    expect(newKey).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\//);
    expect(newKey).not.toBe(oldKey);
    // New writes use the new key; what is there keeps the key it was written with (docs/re-encryption.md).
    expect(await versions()).toEqual(before);
    expect([...(await replanDifferences(im, session)), ...(await replanDifferences(forget, session))]).toEqual([]);
  } finally {
    s3.destroy();
    session.dispose();
    await moto.stop();
  }
});
