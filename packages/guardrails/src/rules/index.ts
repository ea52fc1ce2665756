/** The rule pack: one file per rule, in the order findings are reported. */
import type { GuardrailRule } from "../types";
import { iamNoWildcardPermissions } from "./iam-no-wildcard-permissions";
import { kmsAdminNoCrypto } from "./kms-admin-no-crypto";
import { kmsDeletionWindow } from "./kms-deletion-window";
import { kmsKeyPolicyDefined } from "./kms-key-policy-defined";
import { kmsNoFullAccess } from "./kms-no-full-access";
import { kmsNoKeyMaterialInConfig } from "./kms-no-key-material-in-config";
import { kmsNoWildcardPrincipal } from "./kms-no-wildcard-principal";
import { kmsRotationEnabled } from "./kms-rotation-enabled";
import { kmsSymmetricKeySpec } from "./kms-symmetric-key-spec";
import { kmsUseViaS3Only } from "./kms-use-via-s3-only";
import { providerAllowedAccountIds } from "./provider-allowed-account-ids";
import { s3BucketOwnerEnforced } from "./s3-bucket-owner-enforced";
import { s3PublicAccessBlock } from "./s3-public-access-block";
import { s3SseKmsCustomerKey } from "./s3-sse-kms-customer-key";
import { s3TlsOnly } from "./s3-tls-only";
import { s3VersioningForReplication } from "./s3-versioning-for-replication";
import { snsTopicCustomerKey } from "./sns-topic-customer-key";
import { snsTopicKeyUseScoped } from "./sns-topic-key-use-scoped";
import { snsTopicPublishScoped } from "./sns-topic-publish-scoped";
import { servicePrincipalDocumentedConditions } from "./service-principal-documented-conditions";
import { stateNoForceDestroy } from "./state-no-force-destroy";
import { statePreventDestroy } from "./state-prevent-destroy";

export {
  iamNoWildcardPermissions,
  kmsAdminNoCrypto,
  kmsDeletionWindow,
  kmsKeyPolicyDefined,
  kmsNoFullAccess,
  kmsNoKeyMaterialInConfig,
  kmsNoWildcardPrincipal,
  kmsRotationEnabled,
  kmsSymmetricKeySpec,
  kmsUseViaS3Only,
  providerAllowedAccountIds,
  s3BucketOwnerEnforced,
  s3PublicAccessBlock,
  s3SseKmsCustomerKey,
  s3TlsOnly,
  s3VersioningForReplication,
  snsTopicCustomerKey,
  snsTopicKeyUseScoped,
  snsTopicPublishScoped,
  servicePrincipalDocumentedConditions,
  stateNoForceDestroy,
  statePreventDestroy,
};
export { STATEFUL_TYPES } from "./state-prevent-destroy";
export { customerManagedKeyProblem } from "./s3-sse-kms-customer-key";
export { looksLike256BitKeyMaterial } from "./kms-no-key-material-in-config";

/** Every rule of the pack. */
export const ALL_RULES: readonly GuardrailRule[] = [
  kmsRotationEnabled,
  kmsDeletionWindow,
  kmsSymmetricKeySpec,
  kmsNoWildcardPrincipal,
  kmsNoFullAccess,
  kmsAdminNoCrypto,
  kmsUseViaS3Only,
  kmsNoKeyMaterialInConfig,
  kmsKeyPolicyDefined,
  s3SseKmsCustomerKey,
  s3PublicAccessBlock,
  s3BucketOwnerEnforced,
  s3TlsOnly,
  s3VersioningForReplication,
  snsTopicKeyUseScoped,
  snsTopicCustomerKey,
  snsTopicPublishScoped,
  servicePrincipalDocumentedConditions,
  statePreventDestroy,
  stateNoForceDestroy,
  providerAllowedAccountIds,
  iamNoWildcardPermissions,
];
