import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { type TerraformStack, Testing } from "cdktf";
import { newStack, rawBucket, rawKey } from "../test-support";
import { compareLock, formatLockFailure, lockDiff, lockIsCurrent, lockOf, moveFrom, movedBlocks, parseLock, renderLock, statefulAddresses } from ".";

interface Parts {
  readonly stack: TerraformStack;
  readonly key: KmsKey;
  readonly bucket: ReturnType<typeof rawBucket>;
}

/** A stack with a key and a bucket; `keyName` is the key's Terraform name. */
function synth(keyName = "data", build?: (parts: Parts) => void): string {
  const p = parts(keyName);
  build?.(p);
  return Testing.synth(p.stack);
}
function parts(keyName: string): Parts {
  const { stack } = newStack("prod-customer-managed");
  const key = rawKey(stack, {}, keyName);
  const bucket = rawBucket(stack, { name: "acme-prod-data", key });
  return { stack, key, bucket };
}

const LOCK = { "prod-customer-managed": ["aws_kms_key.data", "aws_s3_bucket.acme_prod_data"] };

describe("the stateful-resources lock", () => {
  test("lists the sorted key and bucket addresses of every stack", () => {
    expect(statefulAddresses(synth())).toEqual(["aws_kms_key.data", "aws_s3_bucket.acme_prod_data"]);
    expect(
      lockOf([
        { name: "b", json: synth() },
        { name: "a", json: "{}" },
      ]),
    ).toEqual({ a: [], b: ["aws_kms_key.data", "aws_s3_bucket.acme_prod_data"] });
  });

  test("an unchanged synth matches", () => {
    expect(compareLock(LOCK, [{ name: "prod-customer-managed", json: synth() }])).toEqual({ destroyed: [], untracked: [], moved: [], forgotten: [], ok: true });
  });

  test("a rename without a moved block fails: the old address would be destroyed, the new one is untracked", () => {
    const cmp = compareLock(LOCK, [{ name: "prod-customer-managed", json: synth("data_key") }]);
    expect(cmp.ok).toBe(false);
    expect(cmp.destroyed).toEqual([{ stack: "prod-customer-managed", address: "aws_kms_key.data" }]);
    expect(cmp.untracked).toEqual([{ stack: "prod-customer-managed", address: "aws_kms_key.data_key" }]);
    const message = formatLockFailure(cmp);
    expect(message).toContain("  - prod-customer-managed: aws_kms_key.data");
    expect(message).toContain("terraform apply of their stack would DESTROY 1.");
    expect(message).not.toContain("ORPHANED");
    expect(message).toContain('moveFrom(key.resource, "<old address>")   // from @sse-kms/construct-kit');
    expect(message).toContain("run `npm run lock:update` and commit stateful-resources.lock.json");
    expect(message).toContain("  + prod-customer-managed: aws_kms_key.data_key");
  });

  test("a rename with moveFromId passes: cdktf renders a top-level moved block", () => {
    const json = synth("data_key", ({ key }) => key.moveFromId("aws_kms_key.data"));
    expect(movedBlocks(json)).toEqual([{ from: "aws_kms_key.data", to: "aws_kms_key.data_key" }]);
    const cmp = compareLock(LOCK, [{ name: "prod-customer-managed", json }]);
    expect(cmp).toEqual({
      destroyed: [],
      untracked: [],
      moved: [{ stack: "prod-customer-managed", from: "aws_kms_key.data", to: "aws_kms_key.data_key" }],
      forgotten: [],
      ok: true,
    });
  });

  test("a moved block to an address the stack does not create does not count", () => {
    const json = synth("data_key");
    const withBadMove = { ...JSON.parse(json), moved: [{ from: "aws_kms_key.data", to: "aws_kms_key.typo" }] };
    const cmp = compareLock(LOCK, [{ name: "prod-customer-managed", json: withBadMove }]);
    expect(cmp.destroyed).toEqual([
      { stack: "prod-customer-managed", address: "aws_kms_key.data", note: "its moved block points at aws_kms_key.typo, which this stack does not create" },
    ]);
  });

  test("a removed block with lifecycle.destroy = false forgets the resource on purpose", () => {
    const json = synth("data", ({ stack }) => {
      stack.addOverride("removed", [{ from: "aws_kms_key.gone", lifecycle: { destroy: false } }]);
    });
    const cmp = compareLock({ "prod-customer-managed": [...LOCK["prod-customer-managed"], "aws_kms_key.gone"] }, [{ name: "prod-customer-managed", json }]);
    expect(cmp.ok).toBe(true);
    expect(cmp.forgotten).toEqual([{ stack: "prod-customer-managed", address: "aws_kms_key.gone" }]);
  });

  test("a stack that disappears entirely fails for each of its addresses", () => {
    const cmp = compareLock(LOCK, []);
    expect(cmp.destroyed.map((d) => d.address)).toEqual(LOCK["prod-customer-managed"]);
    expect(cmp.destroyed[0]?.note).toContain("the whole stack is no longer synthesized");
    expect(cmp.destroyed.every((d) => d.orphaned)).toBe(true);
    const message = formatLockFailure(cmp);
    expect(message).toContain(
      "belong to stacks synth no longer writes: no apply runs for those, they would be ORPHANED (left in AWS, unmanaged), not destroyed.",
    );
    expect(message).not.toContain("would DESTROY");
    expect(message).toContain("destroy it BEFORE its configuration goes");
  });

  test("a new stack or a new bucket fails until the lock is updated", () => {
    const cmp = compareLock({}, [{ name: "prod-customer-managed", json: synth() }]);
    expect(cmp.untracked.map((u) => u.address)).toEqual(LOCK["prod-customer-managed"]);
    expect(formatLockFailure(cmp)).toContain("are synthesized but not in stateful-resources.lock.json");
  });

  test("renders canonically and parses back; rejects a malformed lock", () => {
    const text = renderLock({ z: ["b.x", "a.y"], a: [] });
    expect(text).toBe('{\n  "a": [],\n  "z": [\n    "a.y",\n    "b.x"\n  ]\n}\n');
    expect(parseLock(text)).toEqual({ a: [], z: ["a.y", "b.x"] });
    expect(() => parseLock("{")).toThrow(/not valid JSON/);
    expect(() => parseLock('{"s": "aws_kms_key.data"}')).toThrow(/"s" must be a list of Terraform addresses/);
  });

  test("lock:update --check (lockIsCurrent) agrees with refresh: a renamed key's old address may stay locked while its moved block stays", () => {
    // What npm run refresh leaves after key.previousNames: the old address kept, the new one added.
    const renamed = synth("records", ({ key }) => key.moveFromId("aws_kms_key.data"));
    const afterRefresh = renderLock({ "prod-customer-managed": [...LOCK["prod-customer-managed"], "aws_kms_key.records"] });
    expect(lockIsCurrent(afterRefresh, [{ name: "prod-customer-managed", json: renamed }])).toBe(true);
    // Without the moved block the old address would be destroyed: not current.
    expect(lockIsCurrent(afterRefresh, [{ name: "prod-customer-managed", json: synth("records") }])).toBe(false);
    // The new address missing from the lock: not current.
    expect(lockIsCurrent(renderLock(LOCK), [{ name: "prod-customer-managed", json: synth("records") }])).toBe(false);
    // Same addresses, not the canonical text (unsorted): not current.
    const unsorted = `${JSON.stringify({ "prod-customer-managed": [...LOCK["prod-customer-managed"]].reverse() }, null, 2)}\n`;
    expect(lockIsCurrent(unsorted, [{ name: "prod-customer-managed", json: synth() }])).toBe(false);
    expect(lockIsCurrent(renderLock(LOCK), [{ name: "prod-customer-managed", json: synth() }])).toBe(true);
  });

  test("lockDiff prints what lock:update removes and adds", () => {
    expect(lockDiff({ s: ["aws_kms_key.a", "aws_s3_bucket.b"], old: ["aws_kms_key.x"] }, { s: ["aws_kms_key.c", "aws_s3_bucket.b"], fresh: [] })).toEqual([
      "+ fresh (new stack)",
      "- old (stack removed)",
      "- old: aws_kms_key.x",
      "- s: aws_kms_key.a",
      "+ s: aws_kms_key.c",
    ]);
  });
});

describe("moveFrom (a moved block without cdktf's terraform-version check)", () => {
  test("renders the same moved block as moveFromId, honours a later overrideLogicalId, appends", () => {
    const { stack, key } = parts("data_key");
    moveFrom(key, "aws_kms_key.data");
    const archive = new KmsKey(stack, "archive", {});
    moveFrom(archive, "aws_kms_key.old_archive");
    archive.overrideLogicalId("archive_key");
    const json = Testing.synth(stack);
    expect(movedBlocks(json)).toEqual([
      { from: "aws_kms_key.data", to: "aws_kms_key.data_key" },
      { from: "aws_kms_key.old_archive", to: "aws_kms_key.archive_key" },
    ]);
    // cdktf's own moveFromId flags the stack, which makes app.synth() run `terraform version`.
    expect(stack.hasResourceMove()).toBeFalsy();
    const cmp = compareLock(LOCK, [{ name: "prod-customer-managed", json }]);
    expect(cmp.destroyed).toEqual([]);
    expect(cmp.moved).toEqual([{ stack: "prod-customer-managed", from: "aws_kms_key.data", to: "aws_kms_key.data_key" }]);
  });

  test("rejects a malformed address or a change of type", () => {
    const { key } = parts("data");
    expect(() => moveFrom(key, "data")).toThrow(/needs a Terraform address such as "aws_kms_key.data"/);
    expect(() => moveFrom(key, "aws_s3_bucket.data")).toThrow(/cannot change the resource type/);
  });
});
