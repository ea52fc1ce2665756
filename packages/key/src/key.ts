import {
  AccountId,
  DELETION_WINDOW_DAYS,
  PrincipalArn,
  ROTATION_PERIOD_DAYS,
  partitionOf,
} from "@sse-kms/config";
import { ConstructPropError, moveFrom, pinLogicalId, requireKnownRegion, requireProp, requireValid } from "@sse-kms/construct-kit";
import {
  type PolicyDocument,
  type PolicyStatement,
  keyAdministratorsStatement,
  keyUseViaS3Statement,
  policyDocument,
  renderPolicy,
  rootFullAccessStatement,
  rootManagementStatement,
} from "@sse-kms/policy";
import { KmsExternalKey } from "@cdktf/provider-aws/lib/kms-external-key";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy, type TerraformProvider, Token } from "cdktf";
import type { Construct } from "constructs";
import { ExistingKey, type ExistingKeyProps } from "./existing-key";
import { KeyBase } from "./key-base";

export type KeyOrigin = "AWS_KMS" | "EXTERNAL";

/** RFC 3339 date-time (what the AWS provider's `valid_to` accepts); `Date.parse` alone takes far more. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** KMS's maximum key policy size (PutKeyPolicy, CreateKey): 32 KB. */
export const KEY_POLICY_MAX_BYTES = 32_768;

/** Properties of an {@link EncryptionKey}. */
export interface EncryptionKeyProps {
  /**
   * Logical name. The key's Terraform address is `aws_kms_key.<terraformName>` (or
   * `aws_kms_external_key.<terraformName>`), pinned so that moving the construct in the tree
   * never replaces the key.
   */
  readonly name: string;
  /** Terraform resource name. @default the name with every non-alphanumeric character as `_` */
  readonly terraformName?: string;
  /** AWS account that owns the key (12 digits). */
  readonly account: string;
  /** Region of the key; must be the region of the buckets it encrypts. */
  readonly region: string;
  /** @default "<name> (SSE-KMS, managed by sse-kms-blueprints)" */
  readonly description?: string;
  /** `AWS_KMS` (KMS generates material) or `EXTERNAL` (imported material, BYOK). @default "AWS_KMS" */
  readonly origin?: KeyOrigin;
  /**
   * Key spec. S3 SSE-KMS accepts symmetric keys only, so this is the one value it can be (checked at
   * run time too, for untyped callers). @default "SYMMETRIC_DEFAULT"
   */
  readonly keySpec?: "SYMMETRIC_DEFAULT";
  /**
   * Rotation period of an AWS_KMS key, 90..2560 days. Automatic rotation is always on for AWS_KMS
   * keys (there is no option to turn it off) and never on for EXTERNAL keys (KMS cannot rotate
   * imported material). @default 365
   */
  readonly rotationPeriodInDays?: number;
  /** Waiting period of a scheduled deletion, 7..30 days. @default 30 */
  readonly deletionWindowInDays?: number;
  /** Multi-Region primary key. @default false */
  readonly multiRegion?: boolean;
  /** Key administrators: lifecycle management, no cryptographic actions. @default [] */
  readonly administrators?: readonly string[];
  /** Key users: `kms:Decrypt` and `kms:GenerateDataKey` through S3 in this region only. @default [] */
  readonly users?: readonly string[];
  /** The account root may manage (not use) the key: the recovery path. @default true */
  readonly rootManagement?: boolean;
  /** Opt-in: AWS's default `kms:*` for the account root (IAM alone can then grant decryption). @default false */
  readonly allowRootFullAccess?: boolean;
  /** `lifecycle.prevent_destroy`. @default false */
  readonly preventDestroy?: boolean;
  /**
   * Terraform names (the part after the type) of addresses this key had before a rename: each
   * becomes a `moved` block, so Terraform moves the state instead of destroying the key.
   * @default none
   */
  readonly movedFrom?: readonly string[];
  /**
   * EXTERNAL keys only, explicit opt-in: base64 key material passed through Terraform, normally a
   * reference to a sensitive variable (a literal would also land in the synthesized JSON). It
   * lands in Terraform state in plaintext. @default undefined (material imported out of band)
   */
  readonly keyMaterialBase64?: string;
  /** EXTERNAL keys only: expiry of the imported material (RFC 3339). @default the material does not expire */
  readonly validTo?: string;
  /** The AWS provider to create the key with. @default the stack's default provider */
  readonly provider?: TerraformProvider;
  /** Tags on the key (provider default_tags apply as well). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A symmetric KMS key for S3 SSE-KMS with a least-privilege key policy and separation of duties:
 * administrators manage it, users use it through S3 only, and the account root gets management
 * (a recovery path) but no cryptographic use unless `allowRootFullAccess` is set.
 *
 * The policy is rendered lazily at synth, so statements added later (`addToResourcePolicy`,
 * `scopeUseToBucket`) are included, canonically ordered, in the key's inline `policy`.
 */
export class EncryptionKey extends KeyBase {
  /**
   * A key this stack does not create or govern (aws-cdk's `Key.fromKeyArn`), by its full key ARN:
   * an {@link ExistingKey}. Buckets encrypt with it and it takes the same grants as a created key,
   * but no key, alias or key policy is written: its owner adds {@link ExistingKey.handoverStatements}.
   */
  static fromKeyArn(scope: Construct, id: string, keyArn: string, options: Omit<ExistingKeyProps, "keyArn">): ExistingKey {
    return new ExistingKey(scope, id, { ...options, keyArn });
  }

  /** The KMS key resource (`aws_kms_key` or `aws_kms_external_key`). */
  readonly resource: KmsKey | KmsExternalKey;
  readonly keyArn: string;
  readonly keyId: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly origin: KeyOrigin;
  readonly administrators: readonly string[];
  readonly users: readonly string[];
  private readonly props: EncryptionKeyProps;
  private readonly extraStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.props = props;
    this.origin = props.origin ?? "AWS_KMS";
    this.account = props.account;
    this.region = props.region;
    this.administrators = props.administrators ?? [];
    this.users = props.users ?? [];
    this.validate(props);
    this.partition = partitionOf(props.region);

    const common = {
      description: props.description ?? `${props.name} (SSE-KMS, managed by sse-kms-blueprints)`,
      deletionWindowInDays: props.deletionWindowInDays ?? DELETION_WINDOW_DAYS.default,
      multiRegion: props.multiRegion ?? false,
      policy: Lazy.stringValue({ produce: () => renderPolicy(this.policyDocument()) }),
      provider: props.provider,
      tags: props.tags && Object.keys(props.tags).length > 0 ? { ...props.tags } : undefined,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    };
    if (this.origin === "EXTERNAL") {
      this.resource = new KmsExternalKey(this, "Resource", {
        ...common,
        // key_spec and key_usage are left out: their defaults (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) are
        // the only values S3 accepts, and hashicorp/aws 5.x does not know key_spec and computes key_usage.
        keyMaterialBase64: props.keyMaterialBase64,
        validTo: props.validTo,
      });
    } else {
      this.resource = new KmsKey(this, "Resource", {
        ...common,
        // customer_master_key_spec and key_usage are left out: the provider defaults
        // (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) are the only values S3 SSE-KMS accepts.
        enableKeyRotation: true,
        rotationPeriodInDays: props.rotationPeriodInDays ?? ROTATION_PERIOD_DAYS.default,
      });
    }
    const logicalId = pinLogicalId(
      this,
      this.resource.terraformResourceType,
      { prop: "name", value: props.name },
      props.terraformName,
      "choose another name, or set terraformName explicitly",
    );
    this.resource.overrideLogicalId(logicalId);
    for (const previous of props.movedFrom ?? []) {
      requireProp(previous !== logicalId, {
        constructPath: this.node.path,
        prop: "movedFrom",
        rule: "must not name the key's current Terraform name",
        received: previous,
        fix: "list only the names the key had before",
      });
      moveFrom(this.resource, `${this.resource.terraformResourceType}.${previous}`);
    }
    this.keyArn = this.resource.arn;
    this.keyId = this.resource.id; // both resource types use the key id as their id
    this.node.addValidation({ validate: () => this.validatePolicySize() });
  }

  /** Adds a statement to the key policy (rendered at synth). Sids must stay unique. */
  addToResourcePolicy(statement: PolicyStatement): void {
    this.extraStatements.push(statement);
  }

  /**
   * Construct validation (run by cdktf at synth, after every statement has been added): the
   * rendered key policy must fit KMS's 32 KB key-policy limit (each bucket scoped through the
   * encryption context adds its bucket and object ARNs); `terraform apply` would otherwise fail
   * half-way.
   */
  private validatePolicySize(): string[] {
    const bytes = Buffer.byteLength(renderPolicy(this.policyDocument()), "utf8");
    if (bytes <= KEY_POLICY_MAX_BYTES) return [];
    return [
      new ConstructPropError({
        constructPath: this.node.path,
        prop: "policy",
        rule: `must fit KMS's ${KEY_POLICY_MAX_BYTES}-byte key-policy limit: it is ${bytes} bytes with ${this.bucketScope.length} buckets scoped to the key and ${this.users.length + this.administrators.length} named principals${this.bucketGrants.length > 0 ? ` (${this.bucketGrants.length} buckets with their own readers or writers)` : ""}`,
        received: `${bytes} bytes`,
        fix: "spread the buckets over several keys (one key block per group of buckets), or name fewer principals",
      }).message,
    ];
  }

  /** The key policy as a document (the same one that is rendered into the synthesized output). */
  policyDocument(): PolicyDocument {
    const statements: PolicyStatement[] = [];
    if (this.props.allowRootFullAccess) statements.push(rootFullAccessStatement(this.scope));
    else if (this.props.rootManagement ?? true) statements.push(rootManagementStatement(this.scope, this.origin, this.props.multiRegion ?? false));
    if (this.administrators.length > 0) statements.push(keyAdministratorsStatement(this.administrators, this.origin, this.props.multiRegion ?? false));
    if (this.users.length > 0) {
      statements.push(keyUseViaS3Statement({ principals: this.users, scope: this.scope, bucketArns: this.bucketScope }));
    }
    statements.push(...this.bucketGrantStatements());
    statements.push(...this.extraStatements);
    return policyDocument(statements);
  }

  private validate(p: EncryptionKeyProps): void {
    const path = this.node.path;
    requireValid(AccountId, p.account, { constructPath: path, prop: "account", fix: "pass the account id as a 12-digit string" });
    requireKnownRegion(path, "region", p.region);
    const spec: unknown = p.keySpec ?? "SYMMETRIC_DEFAULT"; // typed as the one value; untyped (JS, JSON) callers are checked here
    requireProp(spec === "SYMMETRIC_DEFAULT", {
      constructPath: path,
      prop: "keySpec",
      rule: "must be SYMMETRIC_DEFAULT: S3 SSE-KMS supports symmetric keys only",
      received: spec,
      fix: "remove keySpec or set it to SYMMETRIC_DEFAULT",
    });
    const window = p.deletionWindowInDays ?? DELETION_WINDOW_DAYS.default;
    requireProp(Number.isInteger(window) && window >= DELETION_WINDOW_DAYS.min && window <= DELETION_WINDOW_DAYS.max, {
      constructPath: path,
      prop: "deletionWindowInDays",
      rule: `must be a whole number between ${DELETION_WINDOW_DAYS.min} and ${DELETION_WINDOW_DAYS.max} days`,
      received: window,
      fix: `choose ${DELETION_WINDOW_DAYS.min}..${DELETION_WINDOW_DAYS.max} (default ${DELETION_WINDOW_DAYS.default})`,
    });
    const origin = p.origin ?? "AWS_KMS";
    if (origin === "EXTERNAL") {
      requireProp(p.rotationPeriodInDays === undefined, {
        constructPath: path,
        prop: "rotationPeriodInDays",
        rule: "does not apply to an EXTERNAL key",
        received: p.rotationPeriodInDays,
        fix: "remove rotationPeriodInDays",
      });
      if (p.keyMaterialBase64 !== undefined && !Token.isUnresolved(p.keyMaterialBase64)) {
        const bytes = Buffer.from(p.keyMaterialBase64, "base64");
        requireProp(bytes.length === 32 && /^[A-Za-z0-9+/]+=*$/.test(p.keyMaterialBase64), {
          constructPath: path,
          prop: "keyMaterialBase64",
          rule: "must be base64 of exactly 32 bytes",
          received: `${bytes.length} bytes`,
          fix: "pass 256-bit key material, base64-encoded",
        });
        bytes.fill(0);
      }
      if (p.validTo !== undefined) {
        requireProp(RFC3339.test(p.validTo) && !Number.isNaN(Date.parse(p.validTo)), {
          constructPath: path,
          prop: "validTo",
          rule: "must be an RFC 3339 timestamp",
          received: p.validTo,
          fix: "use a value such as 2027-12-31T23:59:59Z",
        });
      }
    } else {
      requireProp(p.keyMaterialBase64 === undefined && p.validTo === undefined, {
        constructPath: path,
        prop: "keyMaterialBase64/validTo",
        rule: "apply only to EXTERNAL keys",
        received: p.keyMaterialBase64 === undefined ? p.validTo : "(material)",
        fix: "set origin to EXTERNAL or remove them",
      });
      const period = p.rotationPeriodInDays ?? ROTATION_PERIOD_DAYS.default;
      requireProp(Number.isInteger(period) && period >= ROTATION_PERIOD_DAYS.min && period <= ROTATION_PERIOD_DAYS.max, {
        constructPath: path,
        prop: "rotationPeriodInDays",
        rule: `must be a whole number between ${ROTATION_PERIOD_DAYS.min} and ${ROTATION_PERIOD_DAYS.max} days`,
        received: period,
        fix: `choose ${ROTATION_PERIOD_DAYS.min}..${ROTATION_PERIOD_DAYS.max} (default ${ROTATION_PERIOD_DAYS.default})`,
      });
    }
    const admins = p.administrators ?? [];
    const rootCanManage = (p.rootManagement ?? true) || (p.allowRootFullAccess ?? false);
    requireProp(admins.length > 0 || rootCanManage, {
      constructPath: path,
      prop: "administrators",
      rule: "must name at least one principal able to manage the key when rootManagement is false: otherwise the key is locked out forever",
      received: admins,
      fix: "add an administrator ARN or set rootManagement to true",
    });
    const both = admins.filter((a) => (p.users ?? []).includes(a));
    requireProp(both.length === 0, {
      constructPath: path,
      prop: "users",
      rule: "must not include a key administrator (separation of duties)",
      received: both,
      fix: "use different principals for administration and use",
    });
    for (const [prop, list] of [
      ["administrators", admins],
      ["users", p.users ?? []],
    ] as const) {
      for (const arn of list) {
        requireValid(PrincipalArn, arn, { constructPath: path, prop, fix: "use an ARN such as arn:aws:iam::123456789012:role/app" });
      }
    }
  }
}
