import "./jest-setup";
import { actionOf, findChange } from "./query";
import { predictPlanAgainst } from "./against-state";
import { toPlanNoDestroy } from "./matchers";

const stack = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    provider: { aws: [{ region: "eu-west-1" }] },
    resource: {
      aws_kms_key: { data: { description: "d", enable_key_rotation: true } },
      aws_s3_bucket: { kept: { bucket: "kept-bucket" }, fresh: { bucket: "fresh-bucket" } },
    },
    ...extra,
  });

describe("predictPlanAgainst: a predicted plan against the addresses in state", () => {
  test("configured prior addresses are no-op, new ones create, and nothing is destroyed", () => {
    const plan = predictPlanAgainst(stack(), ["aws_kms_key.data", "aws_s3_bucket.kept"]);
    expect(actionOf(findChange(plan, "aws_kms_key.data")!)).toBe("no-op");
    expect(actionOf(findChange(plan, "aws_s3_bucket.kept")!)).toBe("no-op");
    expect(actionOf(findChange(plan, "aws_s3_bucket.fresh")!)).toBe("create");
    expect(plan).toPlanNoDestroy();
  });

  test("a prior key that is no longer configured is planned as delete, and toPlanNoDestroy names it", () => {
    const plan = predictPlanAgainst(stack(), ["aws_kms_key.data", "aws_kms_key.renamed_away"]);
    const gone = findChange(plan, "aws_kms_key.renamed_away")!;
    expect(actionOf(gone)).toBe("delete");
    expect(gone.action_reason).toBe("delete_because_no_resource_config");
    const result = toPlanNoDestroy(plan);
    expect(result.pass).toBe(false);
    expect(result.message()).toContain("aws_kms_key.renamed_away");
    expect(plan).not.toPlanNoDestroy();
  });

  test("a moved block keeps the object: no delete, previous_address on the new address", () => {
    const plan = predictPlanAgainst(stack({ moved: [{ from: "aws_kms_key.old_name", to: "aws_kms_key.data" }] }), ["aws_kms_key.old_name"]);
    expect(findChange(plan, "aws_kms_key.old_name")).toBeUndefined();
    const moved = findChange(plan, "aws_kms_key.data")!;
    expect(moved.previous_address).toBe("aws_kms_key.old_name");
    expect(actionOf(moved)).toBe("no-op");
    expect(plan).toPlanNoDestroy();
  });

  test("a moved block to an address that does not exist does not save the object", () => {
    const plan = predictPlanAgainst(stack({ moved: [{ from: "aws_kms_key.old_name", to: "aws_kms_key.typo" }] }), ["aws_kms_key.old_name"]);
    expect(actionOf(findChange(plan, "aws_kms_key.old_name")!)).toBe("delete");
  });
});
