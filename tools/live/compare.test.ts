/**
 * The comparer against fake SDK clients: a fake account that holds exactly what a small stack
 * declares is clean; each single change of one live property is reported as exactly one difference
 * naming that property; moto gaps are tolerated only against an endpoint (moto), never against AWS.
 */
import { type Clients, type Sender, compareStack, formatFinding } from "./compare";
import { MOTO_GAPS, motoPlanGap, planChanges } from "./moto-gaps";
import { canonicalJson, readStack } from "./stack-model";
import { matchesPattern, verifyStack } from "./verify";

const ACCOUNT = "111111111111";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k-1`;
const KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ["kms:DescribeKey", "kms:PutKeyPolicy"], Resource: "*" },
  ],
};
const bucketPolicy = (keyArn: string) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyOtherKmsKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::b-1/*",
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn } },
    },
  ],
});
const PATTERN = (arn: string) => ({ source: ["aws.kms"], "detail-type": ["KMS CMK Deletion"], resources: [arn] });
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:t-events`;
const TOPIC_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Events", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: TOPIC }],
};
const DLQ = `arn:aws:sqs:eu-west-1:${ACCOUNT}:t-dlq`;

const STACK = JSON.stringify({
  provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [ACCOUNT] }] },
  resource: {
    aws_kms_key: {
      data: {
        description: "t data key",
        enable_key_rotation: true,
        rotation_period_in_days: 365,
        deletion_window_in_days: 30,
        multi_region: false,
        policy: JSON.stringify(KEY_POLICY),
        lifecycle: { prevent_destroy: true },
      },
    },
    aws_kms_alias: { data: { name: "alias/t-data", target_key_id: "${aws_kms_key.data.id}" } },
    aws_s3_bucket: { b: { bucket: "b-1" } },
    aws_s3_bucket_server_side_encryption_configuration: {
      b: {
        bucket: "${aws_s3_bucket.b.id}",
        rule: [
          { apply_server_side_encryption_by_default: { kms_master_key_id: "${aws_kms_key.data.arn}", sse_algorithm: "aws:kms" }, bucket_key_enabled: true },
        ],
      },
    },
    aws_s3_bucket_policy: { b: { bucket: "${aws_s3_bucket.b.id}", policy: JSON.stringify(bucketPolicy("${aws_kms_key.data.arn}")) } },
    aws_s3_bucket_public_access_block: {
      b: { bucket: "${aws_s3_bucket.b.id}", block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
    },
    aws_s3_bucket_ownership_controls: { b: { bucket: "${aws_s3_bucket.b.id}", rule: { object_ownership: "BucketOwnerEnforced" } } },
    aws_s3_bucket_versioning: { b: { bucket: "${aws_s3_bucket.b.id}", versioning_configuration: { status: "Enabled" } } },
    aws_cloudwatch_event_rule: {
      events: { name: "t-key-events", description: "key events", event_pattern: JSON.stringify(PATTERN("${aws_kms_key.data.arn}")) },
    },
    aws_cloudwatch_event_target: {
      events: { rule: "${aws_cloudwatch_event_rule.events.name}", target_id: "sns", arn: TOPIC, dead_letter_config: { arn: DLQ } },
    },
    aws_sns_topic: { events: { name: "t-events", kms_master_key_id: "${aws_kms_key.data.arn}" } },
    aws_sns_topic_policy: { events: { arn: TOPIC, policy: JSON.stringify(TOPIC_POLICY) } },
  },
});

/** A fake account holding exactly what STACK declares (with the key bound to k-1). */
function world() {
  return {
    key: {
      KeyId: "k-1",
      Arn: KEY_ARN,
      Description: "t data key",
      KeyState: "Enabled",
      MultiRegion: false,
      KeySpec: "SYMMETRIC_DEFAULT",
      KeyUsage: "ENCRYPT_DECRYPT",
      KeyManager: "CUSTOMER",
    },
    // Same policy, other key order and a one-element array: equal as IAM reads it.
    keyPolicy: JSON.stringify({ Statement: [{ ...KEY_POLICY.Statement[0], Action: ["kms:PutKeyPolicy", "kms:DescribeKey"] }], Version: "2012-10-17" }),
    rotation: { KeyRotationEnabled: true, RotationPeriodInDays: 365 } as { KeyRotationEnabled: boolean; RotationPeriodInDays?: number },
    aliases: [{ AliasName: "alias/t-data", TargetKeyId: "k-1" }],
    encryption: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: KEY_ARN, BucketKeyEnabled: true },
    bucketPolicy: JSON.stringify(bucketPolicy(KEY_ARN)),
    pab: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    ownership: "BucketOwnerEnforced",
    versioning: "Enabled",
    rule: { EventPattern: JSON.stringify(PATTERN(KEY_ARN)), State: "ENABLED", Description: "key events" },
    target: { Id: "sns", Arn: TOPIC, DeadLetterConfig: { Arn: DLQ } } as { Id: string; Arn: string; DeadLetterConfig?: { Arn: string } },
    topic: { KmsMasterKeyId: KEY_ARN, Policy: JSON.stringify(TOPIC_POLICY) },
  };
}
type World = ReturnType<typeof world>;

function fakeClients(w: World): Clients {
  const handlers: Record<string, (input: Record<string, unknown>) => unknown> = {
    GetCallerIdentityCommand: () => ({ Account: ACCOUNT }),
    ListAliasesCommand: () => ({ Aliases: w.aliases }),
    ListKeysCommand: () => ({ Keys: [{ KeyId: "k-1" }] }),
    DescribeKeyCommand: () => ({ KeyMetadata: w.key }),
    GetKeyPolicyCommand: () => ({ Policy: w.keyPolicy }),
    GetKeyRotationStatusCommand: () => w.rotation,
    HeadBucketCommand: () => ({}),
    GetBucketEncryptionCommand: () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: w.encryption.SSEAlgorithm, KMSMasterKeyID: w.encryption.KMSMasterKeyID },
            BucketKeyEnabled: w.encryption.BucketKeyEnabled,
          },
        ],
      },
    }),
    GetBucketPolicyCommand: () => ({ Policy: w.bucketPolicy }),
    GetPublicAccessBlockCommand: () => ({ PublicAccessBlockConfiguration: w.pab }),
    GetBucketOwnershipControlsCommand: () => ({ OwnershipControls: { Rules: [{ ObjectOwnership: w.ownership }] } }),
    GetBucketVersioningCommand: () => ({ Status: w.versioning }),
    DescribeRuleCommand: () => w.rule,
    ListTargetsByRuleCommand: () => ({ Targets: [w.target] }),
    GetTopicAttributesCommand: () => ({ Attributes: w.topic }),
  };
  const sender: Sender = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const h = handlers[command.constructor.name];
      if (!h) throw new Error(`the fake has no ${command.constructor.name}`);
      return h(command.input);
    },
  };
  return { kms: sender, s3: sender, iam: sender, events: sender, sns: sender, sqs: sender, cloudwatch: sender, sts: sender };
}

async function differences(w: World, moto = false) {
  const { findings } = await compareStack({ stack: readStack(STACK), clients: new Map([["", fakeClients(w)]]), moto });
  return findings;
}

test("an account holding exactly the stack is clean (the deletion window is a note: no API reads it)", async () => {
  const findings = await differences(world());
  expect(findings.filter((f) => f.kind !== "note").map(formatFinding)).toEqual([]);
  expect(findings.filter((f) => f.kind === "note").map((f) => `${f.address}: ${f.property}`)).toEqual(["aws_kms_key.data: deletion window"]);
});

test.each<[string, (w: World) => void, string]>([
  ["key description", (w) => (w.key.Description = "other"), "aws_kms_key.data: description"],
  ["key disabled", (w) => (w.key.KeyState = "Disabled"), "aws_kms_key.data: state"],
  ["key multi-Region", (w) => (w.key.MultiRegion = true), "aws_kms_key.data: multi-Region"],
  ["key policy with another principal", (w) => (w.keyPolicy = w.keyPolicy.replace(":root", ":role/x")), "aws_kms_key.data: key policy"],
  ["rotation off", (w) => (w.rotation.KeyRotationEnabled = false), "aws_kms_key.data: rotation"],
  ["rotation period", (w) => (w.rotation.RotationPeriodInDays = 90), "aws_kms_key.data: rotation period (days)"],
  [
    "alias on another key",
    (w) =>
      (w.aliases = [...w.aliases, { AliasName: "alias/x", TargetKeyId: "k-1" }].map((a) =>
        a.AliasName === "alias/t-data" ? { ...a, TargetKeyId: "k-2" } : a,
      )),
    "",
  ],
  [
    "SSE-S3 default encryption",
    (w) => (w.encryption.SSEAlgorithm = "AES256"),
    "aws_s3_bucket_server_side_encryption_configuration.b: default encryption algorithm",
  ],
  [
    "default encryption with another key",
    (w) => (w.encryption.KMSMasterKeyID = "k-2"),
    "aws_s3_bucket_server_side_encryption_configuration.b: default encryption key",
  ],
  ["no Bucket Key", (w) => (w.encryption.BucketKeyEnabled = false), "aws_s3_bucket_server_side_encryption_configuration.b: Bucket Key"],
  ["bucket policy naming another key", (w) => (w.bucketPolicy = w.bucketPolicy.replace("key/k-1", "key/k-2")), "aws_s3_bucket_policy.b: bucket policy"],
  ["public policy not blocked", (w) => (w.pab.BlockPublicPolicy = false), "aws_s3_bucket_public_access_block.b: BlockPublicPolicy"],
  ["ACLs enabled", (w) => (w.ownership = "ObjectWriter"), "aws_s3_bucket_ownership_controls.b: object ownership"],
  ["versioning suspended", (w) => (w.versioning = "Suspended"), "aws_s3_bucket_versioning.b: versioning"],
  [
    "event pattern on another key",
    (w) => (w.rule.EventPattern = w.rule.EventPattern.replace("key/k-1", "key/k-2")),
    "aws_cloudwatch_event_rule.events: event pattern",
  ],
  ["rule disabled", (w) => (w.rule.State = "DISABLED"), "aws_cloudwatch_event_rule.events: state"],
  ["target without dead-letter queue", (w) => delete w.target.DeadLetterConfig, "aws_cloudwatch_event_target.events: dead-letter queue"],
  ["topic unencrypted", (w) => (w.topic.KmsMasterKeyId = ""), "aws_sns_topic.events: encryption key"],
  ["topic policy widened", (w) => (w.topic.Policy = w.topic.Policy.replace("events.amazonaws.com", "*")), "aws_sns_topic_policy.events: topic policy"],
])("%s: exactly one difference, naming the property", async (_label, change, expected) => {
  const w = world();
  change(w);
  const found = (await differences(w)).filter((f) => f.kind === "difference");
  if (expected === "") {
    // The alias no longer names the key: the key is found by its description instead, and the alias is reported.
    expect(found.map((f) => `${f.address}: ${f.property}`)).toEqual(["aws_kms_alias.data: target key"]);
    return;
  }
  expect(found.map((f) => `${f.address}: ${f.property}`)).toEqual([expected]);
  expect(formatFinding(found[0])).toMatch(/^difference: /);
});

test("a missing RotationPeriodInDays is a difference against AWS and a tolerated, named moto gap against moto", async () => {
  const w = world();
  delete w.rotation.RotationPeriodInDays;
  expect((await differences(w, false)).filter((f) => f.kind === "difference").map((f) => f.property)).toEqual(["rotation period (days)"]);
  const moto = await differences(w, true);
  expect(moto.filter((f) => f.kind === "difference")).toEqual([]);
  expect(moto.filter((f) => f.kind === "tolerated").map((f) => f.message)).toEqual([expect.stringContaining("moto gap kms-rotation-period")]);
  // A wrong period is never tolerated, not even against moto.
  w.rotation.RotationPeriodInDays = 90;
  expect((await differences(w, true)).filter((f) => f.kind === "difference").map((f) => f.property)).toEqual(["rotation period (days)"]);
});

test("a resource type without a comparer is a difference, not silence", async () => {
  const stack = JSON.parse(STACK) as { resource: Record<string, unknown> };
  stack.resource.aws_lambda_function = { f: { function_name: "x" } };
  const { findings } = await compareStack({ stack: readStack(JSON.stringify(stack)), clients: new Map([["", fakeClients(world())]]), moto: true });
  expect(findings.filter((f) => f.kind === "difference").map(formatFinding)).toEqual([
    expect.stringMatching(/^difference: aws_lambda_function\.f: type: no comparer for aws_lambda_function/),
  ]);
});

test("the round trip and the event-pattern test run through the same clients (S3 put/head/delete, TestEventPattern)", async () => {
  const w = world();
  const calls: string[] = [];
  const base = fakeClients(w).kms;
  const objects = new Map<string, string[]>();
  const sender: Sender = {
    async send(command: { constructor: { name: string }; input: Record<string, string> }) {
      const name = command.constructor.name;
      calls.push(name);
      switch (name) {
        case "PutObjectCommand":
          expect(Object.keys(command.input).sort()).toEqual(["Body", "Bucket", "Key"]); // no encryption headers
          objects.set(command.input.Key, ["v1"]);
          return {};
        case "HeadObjectCommand":
          return { ServerSideEncryption: "aws:kms", SSEKMSKeyId: KEY_ARN, BucketKeyEnabled: true };
        case "ListObjectVersionsCommand":
          return { Versions: (objects.get(command.input.Prefix) ?? []).map((v) => ({ Key: command.input.Prefix, VersionId: v })) };
        case "DeleteObjectCommand":
          objects.set(
            command.input.Key,
            (objects.get(command.input.Key) ?? []).filter((v) => v !== command.input.VersionId),
          );
          return {};
        case "TestEventPatternCommand": {
          const event = JSON.parse(command.input.Event) as { resources: string[] };
          return { Result: event.resources.includes(KEY_ARN) };
        }
        default:
          return base.send(command);
      }
    },
  };
  const clients: Clients = { kms: sender, s3: sender, iam: sender, events: sender, sns: sender, sqs: sender, cloudwatch: sender, sts: sender };
  const result = await verifyStack(STACK, { credentials: async () => ({ accessKeyId: "x", secretAccessKey: "y" }), clients: new Map([["", clients]]) });
  expect(result.findings.filter((f) => f.kind === "difference").map(formatFinding)).toEqual([]);
  expect(calls.filter((c) => c === "TestEventPatternCommand")).toHaveLength(2); // the stack's key matches, the documentation's does not
  expect(calls.filter((c) => c === "DeleteObjectCommand")).toHaveLength(1);
  expect([...objects.values()].flat()).toEqual([]);
});

test("canonical policies: key order, action order and one-element arrays do not matter; a value does", () => {
  expect(canonicalJson('{"b":["x"],"a":["q","p"]}')).toBe(canonicalJson({ a: ["p", "q"], b: "x" }));
  expect(canonicalJson({ a: ["p", "q"] })).not.toBe(canonicalJson({ a: ["p", "r"] }));
});

test("re-plan changes: only the listed moto gaps are tolerated, by resource type, path and values", () => {
  const plan = JSON.stringify({
    resource_changes: [
      {
        address: "aws_kms_key.k",
        type: "aws_kms_key",
        change: { actions: ["update"], before: { rotation_period_in_days: 0, x: 1 }, after: { rotation_period_in_days: 365, x: 1 } },
      },
      {
        address: "aws_s3_bucket_replication_configuration.r",
        type: "aws_s3_bucket_replication_configuration",
        change: {
          actions: ["update"],
          before: { rule: [{ source_selection_criteria: [], priority: 1 }] },
          after: { rule: [{ source_selection_criteria: [{ sse_kms_encrypted_objects: [{ status: "Enabled" }] }], priority: 2 }] },
        },
      },
      { address: "aws_s3_bucket.b", type: "aws_s3_bucket", change: { actions: ["no-op"], before: {}, after: {} } },
    ],
  });
  const changes = planChanges(plan);
  expect(changes.map((c) => `${c.address} ${c.path} ${motoPlanGap(c.type, c.path, c.before, c.after)?.id ?? "difference"}`)).toEqual([
    "aws_kms_key.k rotation_period_in_days kms-rotation-period",
    "aws_s3_bucket_replication_configuration.r rule[0].source_selection_criteria s3-replication-read",
    "aws_s3_bucket_replication_configuration.r rule[0].priority difference",
  ]);
  expect(motoPlanGap("aws_kms_key", "rotation_period_in_days", 90, 365)).toBeUndefined();
});

test("every moto gap cites moto's source and says what is still checked", () => {
  for (const g of MOTO_GAPS) {
    expect(g.source).toMatch(/moto\/[a-z0-9_]+\/[a-z_]+\.py .*https:\/\/github\.com\/getmoto\/moto\/blob\/5\.2\.1\//);
    expect(g.why.length).toBeGreaterThan(40);
  }
});

test("a 403 on the round trip's PutObject is the tolerated moto gap only against moto; against AWS it is a difference", async () => {
  const base = fakeClients(world()).kms;
  const sender: Sender = {
    async send(command: { constructor: { name: string } }) {
      if (command.constructor.name === "PutObjectCommand")
        throw Object.assign(new Error("UnknownError"), { name: "Unknown", $metadata: { httpStatusCode: 403 } });
      if (command.constructor.name === "TestEventPatternCommand") return {};
      return base.send(command);
    },
  };
  const clients: Clients = { kms: sender, s3: sender, iam: sender, events: sender, sns: sender, sqs: sender, cloudwatch: sender, sts: sender };
  const credentials = async () => ({ accessKeyId: "x", secretAccessKey: "y" });
  const aws = await verifyStack(STACK, { credentials, clients: new Map([["", clients]]) });
  expect(aws.findings.filter((f) => f.kind === "difference").map((f) => `${f.address}: ${f.property}`)).toEqual([
    "s3://b-1: round trip",
    // Against AWS an empty TestEventPattern answer is a difference too (the stack's key and the documentation's).
    "aws_cloudwatch_event_rule.events: TestEventPattern",
    "aws_cloudwatch_event_rule.events: TestEventPattern",
  ]);
  const moto = await verifyStack(STACK, { credentials, clients: new Map([["", clients]]), endpoint: "http://127.0.0.1:5000" });
  expect(moto.differences).toBe(0);
  expect(moto.findings.filter((f) => f.kind === "tolerated").map((f) => /moto gap ([\w-]+)/.exec(f.message)?.[1])).toEqual([
    "s3-policy-without-context",
    "events-test-event-pattern",
    "events-test-event-pattern",
  ]);
});

test("the local pattern matcher: exact values, nested fields, arrays in events; operators refused", () => {
  const pattern = { source: ["aws.kms"], detail: { eventName: ["DisableKey"], resources: { ARN: ["arn:k"] } } };
  expect(matchesPattern(pattern, { source: "aws.kms", detail: { eventName: "DisableKey", resources: [{ ARN: "arn:x" }, { ARN: "arn:k" }] } })).toBe(true);
  expect(matchesPattern(pattern, { source: "aws.kms", detail: { eventName: "EnableKey", resources: [{ ARN: "arn:k" }] } })).toBe(false);
  expect(matchesPattern(pattern, { source: "aws.kms", detail: { eventName: "DisableKey" } })).toBe(false);
  expect(() => matchesPattern({ source: [{ prefix: "aws." }] }, { source: "aws.kms" })).toThrow(/not supported/);
});
