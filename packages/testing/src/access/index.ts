/**
 * Access proofs: evaluate who may do what against the policies of synthesized stacks, with
 * `@cloud-copilot/iam-simulate` (a devDependency: AGPL-3.0, so never part of shipped code).
 */
export { allowAll, allowActions, parsePolicyAt } from "./policy";
/** The policy types of the simulator are @sse-kms/policy's (one set of IAM policy types). */
export type { IamPolicyDocument, IamStatement } from "@sse-kms/policy";
export type { AccessDecision, AccessRequest, AccessResource, AccessResult, ResolvedAccessRequest, ViaS3 } from "./request";
export { loadStacks, type StackInput, type StackSource, type SynthesizedJson, type SynthesizedStack } from "./stacks";
export { evaluateCondition, parseOperator, type ConditionOutcome, type RequestContext } from "./conditions";
export {
  applyEncryptionContextConditions,
  isEncryptionContextKey,
  isSelfEvaluatedKey,
  isWebIdentityKey,
  ENCRYPTION_CONTEXT_PREFIX,
  type EncryptionContextNote,
  type PreparedPolicy,
} from "./encryption-context";
export { StackInventory, type BucketEncryption, type BucketInfo, type FoundPolicy, type KeyInfo, type RoleInfo } from "./inventory";
export { KMS_KEY_TYPES, ReferenceResolver, UnresolvableReferenceError } from "./resolver";
export { placeholderId, type ProviderScope } from "./scope";
export { checkServiceContext, simulateAccess, inventoryOf } from "./simulate";
export { accessMatchers, registerAccessMatchers, type AccessMatchers, type DenyKind } from "./matchers";
export { sseKmsAccessProofs, type SseKmsProofSubject } from "./proofs";
