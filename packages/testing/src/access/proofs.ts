/**
 * The access proofs every single-key SSE-KMS blueprint must meet (docs/architecture.md, testing layer 4):
 * the synthesized key and bucket policies are fed to the IAM policy simulator and each proof
 * asserts the exact decision kind. Used by the customer-managed and imported-material blueprints.
 * Per-bucket readers and writers are proven confined to their bucket: allowed through S3 with that
 * bucket's encryption context (bucket ARN and object ARN forms), denied with any other bucket's and
 * denied outside S3.
 *
 * Request model: the KMS side of SSE-KMS is a KMS request by the caller with
 * kms:ViaService = s3.<region>.amazonaws.com, kms:CallerAccount = the caller's account and
 * kms:EncryptionContext:aws:s3:arn = the bucket ARN (Bucket Keys are on). Every request uses TLS
 * unless a proof says otherwise. Call it inside a jest test file (it declares tests).
 */
import { type AccessRequest, type ViaS3 } from "./request";
import { allowActions, allowAll } from "./policy";
import { registerAccessMatchers } from "./matchers";
import { simulateAccess } from "./simulate";
import type { StackInput } from "./stacks";

/** What the proofs need to know about one synthesized stack. */
export interface SseKmsProofSubject {
  /**
   * The synthesized stack (cdk.tf.json text), or several: for a key the stack does not own, the
   * stack and a model of the key owner's stack (its key policy with the hand-over statements added).
   */
  readonly stack: StackInput;
  readonly env: { readonly account: string; readonly region: string };
  /** Terraform address of the key, e.g. `aws_kms_key.data` or `aws_kms_external_key.byok`. */
  readonly keyAddress: string;
  readonly users: readonly string[];
  readonly administrators: readonly string[];
  readonly buckets: readonly {
    readonly name: string;
    readonly requireEncryptionHeader: boolean;
    /** Per-bucket readers (kms:Decrypt for this bucket only). @default [] */
    readonly readers?: readonly string[];
    /** Per-bucket writers (kms:GenerateDataKey + kms:Decrypt for this bucket only). @default [] */
    readonly writers?: readonly string[];
  }[];
  /** The key ARN as the bucket policies name it. @default the reference `${<keyAddress>.arn}` */
  readonly bucketPolicyKeyArn?: string;
}

/** Declares the proofs (describe/test blocks) for one stack. */
export function sseKmsAccessProofs(o: SseKmsProofSubject): void {
  registerAccessMatchers();
  const { stack, env, keyAddress } = o;
  const key = { kmsKey: keyAddress };
  const users = o.users;
  const admins = o.administrators;
  const bucketNames = o.buckets.map((b) => b.name);
  const otherRegion = env.region === "us-east-1" ? "eu-west-1" : "us-east-1";
  const otherAccount = env.account === "999999999999" ? "888888888888" : "999999999999";
  const unlistedRole = `arn:aws:iam::${env.account}:role/sse-kms-unlisted-role`;
  const foreignRole = `arn:aws:iam::${otherAccount}:role/app-data`;
  const kmsUse = ["kms:Decrypt", "kms:GenerateDataKey"];
  const via = (bucket: string, extra: Partial<ViaS3> = {}): ViaS3 => ({ bucket, ...extra });
  const kms = (principal: string, action: string, rest: Partial<AccessRequest> = {}): AccessRequest => ({ principal, action, resource: key, ...rest });
  const cases = <T>(rows: T[][]) => rows.flatMap((r) => r);

  test("the configuration names at least one key user and one administrator", () => {
    expect(users.length).toBeGreaterThan(0);
    expect(admins.length).toBeGreaterThan(0);
  });

  describe("key users", () => {
    const rows = cases(users.map((u) => cases(bucketNames.map((b) => kmsUse.map((a) => [u, b, a] as const)))));

    test.each(rows)("%s may use the key via S3 for bucket %s (%s)", async (user, bucket, action) => {
      await expect(stack).toAllow(kms(user, action, { viaS3: via(bucket) }));
    });

    test.each(rows)("%s cannot use the key outside S3 (no kms:ViaService; bucket %s, %s), even with allow-all IAM", async (user, bucket, action) => {
      const r = kms(user, action, { identityPolicies: [allowAll], context: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}` } });
      await expect(stack).toDeny(r, "implicit");
    });

    test.each(rows)("%s cannot use the key through S3 in another region (bucket %s, %s)", async (user, bucket, action) => {
      await expect(stack).toDeny(kms(user, action, { identityPolicies: [allowAll], viaS3: via(bucket, { region: otherRegion }) }), "implicit");
    });

    test.each(cases(users.map((u) => kmsUse.map((a) => [u, a] as const))))(
      "%s cannot %s through S3 for a bucket outside the blueprint",
      async (user, action) => {
        await expect(stack).toDeny(kms(user, action, { identityPolicies: [allowAll], viaS3: via(`acme-elsewhere-${env.account}`) }), "implicit");
      },
    );

    test.each(users)("%s gets no key administration", async (user) => {
      await expect(stack).toDeny(kms(user, "kms:PutKeyPolicy"), "implicit");
      await expect(stack).toDeny(kms(user, "kms:ScheduleKeyDeletion"), "implicit");
    });
  });

  const elsewhere = `acme-elsewhere-${env.account}`;
  const readerRows = o.buckets.flatMap((b) => (b.readers ?? []).map((r) => [r, b.name] as const));
  const writerRows = o.buckets.flatMap((b) => (b.writers ?? []).map((w) => [w, b.name] as const));
  const others = (bucket: string) => [...bucketNames.filter((n) => n !== bucket), elsewhere];
  const contexts = ["bucket", "object"] as const;

  if (readerRows.length > 0) {
    describe("per-bucket readers", () => {
      test.each(readerRows)("%s may decrypt through S3 for its bucket %s (Bucket Key and object ARN contexts)", async (reader, bucket) => {
        for (const encryptionContext of contexts) await expect(stack).toAllow(kms(reader, "kms:Decrypt", { viaS3: via(bucket, { encryptionContext }) }));
      });

      test.each(readerRows)("%s (reader of %s) cannot decrypt with another bucket's encryption context, even with allow-all IAM", async (reader, bucket) => {
        for (const other of others(bucket)) {
          for (const encryptionContext of contexts) {
            await expect(stack).toDeny(kms(reader, "kms:Decrypt", { identityPolicies: [allowAll], viaS3: via(other, { encryptionContext }) }), "implicit");
          }
        }
      });

      test.each(readerRows)("%s (reader of %s) cannot decrypt directly (no kms:ViaService), even with its bucket's context", async (reader, bucket) => {
        const r = kms(reader, "kms:Decrypt", { identityPolicies: [allowAll], context: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}` } });
        await expect(stack).toDeny(r, "implicit");
      });

      test.each(readerRows)("%s (reader of %s) cannot write: no kms:GenerateDataKey, no key administration", async (reader, bucket) => {
        await expect(stack).toDeny(kms(reader, "kms:GenerateDataKey", { identityPolicies: [allowAll], viaS3: via(bucket) }), "implicit");
        await expect(stack).toDeny(kms(reader, "kms:PutKeyPolicy"), "implicit"); // the key policy names it for no administration
      });
    });
  }

  if (writerRows.length > 0) {
    describe("per-bucket writers", () => {
      test.each(writerRows)("%s may GenerateDataKey and Decrypt through S3 for its bucket %s (both context forms)", async (writer, bucket) => {
        for (const action of kmsUse) {
          for (const encryptionContext of contexts) await expect(stack).toAllow(kms(writer, action, { viaS3: via(bucket, { encryptionContext }) }));
        }
      });

      test.each(writerRows)("%s (writer of %s) can neither write nor read another bucket's objects, even with allow-all IAM", async (writer, bucket) => {
        for (const other of others(bucket)) {
          for (const action of kmsUse) await expect(stack).toDeny(kms(writer, action, { identityPolicies: [allowAll], viaS3: via(other) }), "implicit");
        }
      });

      test.each(writerRows)("%s (writer of %s) cannot use the key directly (no kms:ViaService)", async (writer, bucket) => {
        for (const action of kmsUse) {
          const r = kms(writer, action, { identityPolicies: [allowAll], context: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}` } });
          await expect(stack).toDeny(r, "implicit");
        }
      });
    });
  }

  describe("key administrators", () => {
    test.each(
      cases(admins.map((a) => ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey", "kms:DescribeKey"].map((action) => [a, action] as const))),
    )("%s may %s (named in the key policy, no IAM policy needed)", async (admin, action) => {
      await expect(stack).toAllow(kms(admin, action));
    });

    const use = ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:Encrypt", "kms:ReEncryptFrom"];
    test.each(cases(admins.map((a) => use.map((action) => [a, action] as const))))("%s cannot %s, even via S3 with allow-all IAM", async (admin, action) => {
      for (const bucket of bucketNames) {
        await expect(stack).toDeny(kms(admin, action, { identityPolicies: [allowAll], viaS3: via(bucket) }), "implicit");
      }
      await expect(stack).toDeny(kms(admin, action, { identityPolicies: [allowAll] }), "implicit");
    });
  });

  describe("everybody else", () => {
    test.each(cases(bucketNames.map((b) => kmsUse.map((a) => [b, a] as const))))(
      "an unlisted role of the account with allow-all IAM cannot use the key via S3 (%s, %s)",
      async (bucket, action) => {
        await expect(stack).toDeny(kms(unlistedRole, action, { identityPolicies: [allowAll], viaS3: via(bucket) }), "implicit");
      },
    );

    test.each(cases(bucketNames.map((b) => kmsUse.map((a) => [b, a] as const))))(
      "another account's principal with allow-all IAM cannot use the key via S3 (%s, %s)",
      async (bucket, action) => {
        await expect(stack).toDeny(kms(foreignRole, action, { identityPolicies: [allowAll], viaS3: via(bucket) }), "implicit");
      },
    );

    test("another account's principal cannot manage the key", async () => {
      await expect(stack).toDeny(kms(foreignRole, "kms:PutKeyPolicy", { identityPolicies: [allowAll] }), "implicit");
      await expect(stack).toDeny(kms(`arn:aws:iam::${otherAccount}:root`, "kms:ScheduleKeyDeletion"), "implicit");
    });

    test("the account root manages the key (recovery path) but cannot use it", async () => {
      const root = `arn:aws:iam::${env.account}:root`;
      await expect(stack).toAllow(kms(root, "kms:PutKeyPolicy"));
      await expect(stack).toDeny(kms(root, "kms:Decrypt", { viaS3: via(bucketNames[0]!) }), "implicit");
    });
  });

  describe.each(o.buckets.map((b) => [b.name, b] as const))("bucket %s", (bucket, settings) => {
    const object = { bucket, key: "proofs/object.txt" };
    const writer = users[0]!;
    const canWrite = allowActions("s3:PutObject", `arn:aws:s3:::${bucket}/*`, "AllowPutObject");
    const put = (context: Record<string, string>): AccessRequest => ({
      principal: writer,
      action: "s3:PutObject",
      resource: object,
      identityPolicies: [canWrite],
      context,
    });
    const kmsHeader = { "s3:x-amz-server-side-encryption": "aws:kms" };
    const ownKey = { ...kmsHeader, "s3:x-amz-server-side-encryption-aws-kms-key-id": o.bucketPolicyKeyArn ?? `\${${keyAddress}.arn}` };

    async function deniedBy(request: AccessRequest, sid: string): Promise<void> {
      const r = await simulateAccess(stack, request);
      expect(r.decision).toBe("ExplicitlyDenied");
      expect(r.decisiveStatements).toContain(`bucket policy aws_s3_bucket_policy.${bucket.toLowerCase().replace(/[^a-z0-9_]/g, "_")} "${sid}" (Deny)`);
    }

    test("an upload with the aws:kms header and the bucket's key is allowed", async () => {
      await expect(stack).toAllow(put(ownKey));
      await expect(stack).toAllow(put(kmsHeader));
    });

    test("PutObject over plain HTTP is explicitly denied", async () => {
      await deniedBy(put({ ...ownKey, "aws:SecureTransport": "false" }), "DenyInsecureTransport");
    });

    test("GetObject over plain HTTP is explicitly denied, even with allow-all IAM", async () => {
      await deniedBy(
        { principal: writer, action: "s3:GetObject", resource: object, identityPolicies: [allowAll], context: { "aws:SecureTransport": "false" } },
        "DenyInsecureTransport",
      );
    });

    test("PutObject with x-amz-server-side-encryption: AES256 is explicitly denied", async () => {
      await deniedBy(put({ "s3:x-amz-server-side-encryption": "AES256" }), "DenyEncryptionOtherThanKms");
    });

    test("PutObject with aws:kms:dsse is explicitly denied", async () => {
      await deniedBy(put({ "s3:x-amz-server-side-encryption": "aws:kms:dsse" }), "DenyEncryptionOtherThanKms");
    });

    test("PutObject naming another KMS key is explicitly denied", async () => {
      const otherKey = `arn:aws:kms:${env.region}:${env.account}:key/00000000-0000-4000-8000-000000000000`;
      await deniedBy(put({ ...kmsHeader, "s3:x-amz-server-side-encryption-aws-kms-key-id": otherKey }), "DenyOtherKmsKey");
    });

    if (settings.requireEncryptionHeader) {
      test("strict mode: PutObject relying on default encryption (no header) is explicitly denied", async () => {
        await deniedBy(put({}), "DenyMissingEncryptionHeader");
      });
    } else {
      test("default mode: PutObject relying on default encryption (no header) is allowed", async () => {
        await expect(stack).toAllow(put({}));
      });
    }

    test("anonymous reads are denied", async () => {
      await expect(stack).toDeny({ principal: "*", action: "s3:GetObject", resource: object }, "implicit");
      await expect(stack).toDeny({ principal: "*", action: "s3:GetObject", resource: object, context: { "aws:SecureTransport": "false" } }, "explicit");
    });

    test("another account's principal with allow-all IAM cannot read or write", async () => {
      await expect(stack).toDeny({ principal: foreignRole, action: "s3:GetObject", resource: object, identityPolicies: [allowAll] }, "implicit");
      await expect(stack).toDeny(
        { principal: foreignRole, action: "s3:PutObject", resource: object, identityPolicies: [allowAll], context: ownKey },
        "implicit",
      );
    });
  });
}
