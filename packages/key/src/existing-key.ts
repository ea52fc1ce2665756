import { ExistingKeyArn, existingKeyProblem, keyIdOf, partitionOf } from "@sse-kms/config";
import { requireKnownRegion, requireProp, requireValid } from "@sse-kms/construct-kit";
import { type BucketKeyAccess, type KeyScope, type PolicyStatement, canonicalStatement, keyUseViaS3Statement } from "@sse-kms/policy";
import type { Construct } from "constructs";
import { KeyBase, bucketAccessStatementsFor } from "./key-base";

/** Properties of an {@link ExistingKey}. */
export interface ExistingKeyProps {
  /** The key ARN (`arn:<partition>:kms:<region>:<account>:key/<key id>`); never an alias ARN or a bare key id. */
  readonly keyArn: string;
  /** The account of the stack: the key must belong to it. */
  readonly account: string;
  /** The region of the stack and its buckets: the key must be there (S3 SSE-KMS needs key and bucket in one region). */
  readonly region: string;
  /** Key-level users the owner is asked to add: `kms:Decrypt` and `kms:GenerateDataKey` via S3 for every bucket of this stack. @default [] */
  readonly users?: readonly string[];
}

/**
 * A KMS key this stack does not create or govern, imported by ARN (aws-cdk's `Key.fromKeyArn`;
 * `EncryptionKey.fromKeyArn` returns one): the buckets encrypt with its literal ARN and their bucket
 * policies name it, but no key, alias or key policy is written. What the stack would have put in
 * the key policy (key-level users, per-bucket readers and writers, each scoped to this stack's
 * buckets, checked as {@link KeyBase} checks them for every key) is collected as
 * {@link handoverStatements} for the key's owner to add.
 */
export class ExistingKey extends KeyBase {
  readonly keyArn: string;
  readonly keyId: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** None: the key's administrators are its owner's. */
  readonly administrators: readonly string[] = [];
  readonly users: readonly string[];

  constructor(scope: Construct, id: string, props: ExistingKeyProps) {
    super(scope, id);
    const path = this.node.path;
    requireKnownRegion(path, "region", props.region);
    requireValid(ExistingKeyArn, props.keyArn, { constructPath: path, prop: "keyArn", fix: "use arn:<partition>:kms:<region>:<account>:key/<key id>" });
    const problem = existingKeyProblem(props.keyArn, { account: props.account, region: props.region, partition: partitionOf(props.region) });
    requireProp(problem === undefined, {
      constructPath: path,
      prop: "keyArn",
      rule: problem ?? "",
      received: props.keyArn,
      fix: `use a key of account ${props.account} in ${props.region}`,
    });
    this.keyArn = props.keyArn;
    this.keyId = keyIdOf(props.keyArn);
    this.account = props.account;
    this.region = props.region;
    this.partition = partitionOf(props.region);
    this.users = props.users ?? [];
  }

  /**
   * The statements the key's owner adds to the key policy (canonical form, literal ARNs, no
   * Terraform reference): key-level users for every bucket of this stack (`KeyUseViaS3`) and the
   * per-bucket readers and writers. Call after the buckets are built.
   */
  handoverStatements(): PolicyStatement[] {
    return existingKeyHandoverStatements(this.scope, { users: this.users, bucketArns: this.bucketScope, grants: this.bucketGrants });
  }
}

/**
 * The key-policy statements an existing key's owner adds for a stack (pure): key-level `users`
 * through S3 for every one of `bucketArns` (`KeyUseViaS3`), then each bucket's readers and writers
 * (`ReadViaS3<Bucket>`, `WriteViaS3<Bucket>`), in canonical form with literal ARNs.
 */
export function existingKeyHandoverStatements(
  scope: KeyScope,
  o: { readonly users: readonly string[]; readonly bucketArns: readonly string[]; readonly grants: readonly BucketKeyAccess[] },
): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (o.users.length > 0) statements.push(keyUseViaS3Statement({ principals: o.users, scope, bucketArns: o.bucketArns }));
  statements.push(
    ...bucketAccessStatementsFor(
      scope,
      o.grants.filter((g) => (g.readers ?? []).length + (g.writers ?? []).length > 0),
    ),
  );
  return statements.map(canonicalStatement);
}
