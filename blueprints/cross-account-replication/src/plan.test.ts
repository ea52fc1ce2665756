/**
 * Plan assertions on the PREDICTED create-from-empty plan (`predictPlan` from @sse-kms/testing):
 * the same assertions run against `terraform show -json` output where Terraform and credentials exist.
 */
import { actionOf, findChange, findChanges, predictPlan, valueAt } from "@sse-kms/testing";
import { BLUEPRINT, FIXTURES, build, environment, tfName } from "./test-support";

describe.each(FIXTURES.map((n) => [n, environment(n)] as const))("predicted plan of %s-cross-account-replication", (_name, env) => {
  const config = env.blueprints[BLUEPRINT.name];
  const d = config.destination;
  const { json } = build(env);
  const plan = predictPlan(json, { source: `${env.name}-cross-account-replication` });
  const src = tfName(config.source.bucket.name);

  test("creates everything, destroys nothing", () => {
    expect(plan.resource_changes.length).toBeGreaterThan(0);
    expect(plan.resource_changes.map((rc) => actionOf(rc)).filter((a) => a !== "create")).toEqual([]);
  });

  test("versioning is planned (Enabled) on the source bucket" + (d.mode === "create" ? " and on the created destination bucket" : ""), () => {
    const buckets = [src, ...(d.mode === "create" ? [tfName(d.bucket.name)] : [])];
    const versioning = findChanges(plan, { type: "aws_s3_bucket_versioning", action: "create" });
    expect(versioning.map((rc) => rc.name).sort()).toEqual([...buckets].sort());
    for (const rc of versioning) expect(valueAt(rc.change.after, ["versioning_configuration", 0, "status"])).toBe("Enabled");
  });

  test("the replication configuration is planned and depends on the source versioning (first apply succeeds)", () => {
    const rc = findChange(plan, `aws_s3_bucket_replication_configuration.${src}`);
    expect(rc && actionOf(rc)).toBe("create");
    expect(rc?.predicted?.depends_on).toContain(`aws_s3_bucket_versioning.${src}`);
    expect(rc?.predicted?.depends_on).toContain("aws_iam_role_policy.replication");
    // Implicit dependencies too: the source bucket and the role (via references).
    expect(rc?.predicted?.references).toEqual(expect.arrayContaining([`aws_s3_bucket.${src}`, "aws_iam_role.replication"]));
    expect(valueAt(rc?.change.after, ["rule", 0, "source_selection_criteria", 0, "sse_kms_encrypted_objects", 0, "status"])).toBe("Enabled");
    expect(valueAt(rc?.change.after, ["rule", 0, "destination", 0, "access_control_translation", 0, "owner"])).toBe("Destination");
    expect(valueAt(rc?.change.after, ["rule", 0, "destination", 0, "account"])).toBe(d.account);
  });

  test("keys that name the role in their policy are created after it", () => {
    for (const rc of findChanges(plan, { type: "aws_kms_key" })) expect(rc.predicted?.depends_on).toContain("aws_iam_role.replication");
  });

  test(`stateful resources ${env.production ? "carry" : "do not carry"} prevent_destroy`, () => {
    for (const rc of findChanges(plan, { type: ["aws_kms_key", "aws_s3_bucket"] })) {
      expect({ address: rc.address, prevent: rc.predicted?.lifecycle?.prevent_destroy ?? false }).toEqual({ address: rc.address, prevent: env.production });
    }
  });
});
