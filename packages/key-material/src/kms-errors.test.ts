import { CliError, formatErrorLine } from "./errors";
import { describeKmsError, isDefiniteRejection, networkErrorCode } from "./kms-errors";

const context = { operation: "ImportKeyMaterial", keyId: "arn:aws:kms:eu-west-1:111122223333:key/k", region: "eu-west-1" } as const;

/** An error shaped like the SDK's service exceptions. */
function serviceError(name: string, status: number, message = "m"): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status } });
}

describe("describeKmsError", () => {
  test.each([
    ["ExpiredImportTokenException", /import token has expired/, /24 hours/],
    ["InvalidImportTokenException", /rejected the import token/, /same get-parameters-for-import response/],
    ["IncorrectKeyMaterialException", /already had different key material/, /original material from your backup/],
    ["InvalidCiphertextException", /could not unwrap/, /same --wrapping-algorithm/],
    ["AccessDeniedException", /access denied: kms:ImportKeyMaterial/, /key administrator/],
    ["NotFoundException", /not found in eu-west-1/, /--key-id, --region/],
    ["KMSInvalidStateException", /not in a state that allows ImportKeyMaterial/, /PendingImport/],
    ["UnsupportedOperationException", /does not support ImportKeyMaterial/, /Origin EXTERNAL/],
    ["ThrottlingException", /throttled/, /wait/],
    ["UnrecognizedClientException", /does not recognise the access key/, /AWS_PROFILE/],
    ["ExpiredTokenException", /session credentials have expired/, /aws sso login/],
    ["InvalidSignatureException", /signature/, /clock/],
    ["KMSInternalException", /failed internally/, /retry/],
    ["SomethingNewException", /ImportKeyMaterial failed for key .* \(SomethingNewException, HTTP 400: m\)/, /fix the cause/],
  ])("%s", (name, what, fix) => {
    const error = describeKmsError(serviceError(name, name === "KMSInternalException" ? 500 : 400), context);
    expect(error.what).toMatch(what);
    expect(error.fix).toMatch(fix);
    expect(error.exitCode).toBe(1);
  });

  test("operation-specific advice for rotate and reimport", () => {
    const rotate = { ...context, operation: "RotateKeyOnDemand" } as const;
    expect(describeKmsError(serviceError("LimitExceededException", 400), rotate).what).toMatch(/used all its on-demand rotations/);
    expect(describeKmsError(serviceError("LimitExceededException", 400), context).what).toMatch(/throttled/);
    expect(describeKmsError(serviceError("ConflictException", 400), rotate).what).toMatch(/a rotation of this key is in progress/);
    expect(describeKmsError(serviceError("IncorrectKeyMaterialException", 400), { ...context, reimportOf: "abc" }).what).toMatch(/not key material abc/);
    expect(describeKmsError(serviceError("IncorrectKeyMaterialException", 400), { ...context, newMaterial: true }).fix).toMatch(/never held/);
    expect(describeKmsError(serviceError("KMSInvalidStateException", 400), rotate).fix).toMatch(/sse-kms-key-material status/);
  });

  test("a namespaced __type is recognised", () => {
    expect(describeKmsError(serviceError("com.amazonaws.kms#NotFoundException", 400), context).what).toMatch(/not found/);
  });

  test("missing credentials", () => {
    const error = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    expect(describeKmsError(error, context).what).toMatch(/no AWS credentials found/);
  });

  test("network errors name the code and the endpoint", () => {
    const error = Object.assign(new Error("getaddrinfo ENOTFOUND kms.eu-west-1.amazonaws.com"), { code: "ENOTFOUND" });
    expect(describeKmsError(error, context).what).toBe(
      "could not reach KMS in eu-west-1 for ImportKeyMaterial (ENOTFOUND: getaddrinfo ENOTFOUND kms.eu-west-1.amazonaws.com)",
    );
  });

  test("a multi-line message becomes one line", () => {
    const line = formatErrorLine(describeKmsError(serviceError("AccessDeniedException", 400, "line one\nline two"), context));
    expect(line).not.toContain("\n");
    expect(line).toContain("line one line two");
  });

  test("CliErrors pass through", () => {
    const original = new CliError("x", "y");
    expect(describeKmsError(original, context)).toBe(original);
  });
});

describe("isDefiniteRejection (may generated material be deleted after a failed import?)", () => {
  test.each([
    [serviceError("AccessDeniedException", 400), true],
    [serviceError("ExpiredImportTokenException", 400), true],
    [serviceError("ThrottlingException", 429), true],
    [serviceError("RequestTimeout", 408), false],
    [serviceError("KMSInternalException", 500), false],
    [serviceError("ServiceUnavailable", 503), false],
    [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), false],
    [Object.assign(new Error("timed out"), { name: "TimeoutError" }), false],
    [new Error("unparseable response"), false],
  ])("%p -> %p", (error, definite) => {
    expect(isDefiniteRejection(error)).toBe(definite);
  });
});

describe("networkErrorCode", () => {
  test.each([
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }), "ECONNREFUSED"],
    [new Error("AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9"), "ECONNREFUSED"],
    [new Error("socket hang up"), "ECONNRESET"],
    [Object.assign(new Error("x"), { name: "TimeoutError" }), "TimeoutError"],
    [serviceError("AccessDeniedException", 400, "network policy ECONNREFUSED"), undefined],
    [new Error("something else"), undefined],
  ])("%p -> %p", (error, code) => {
    expect(networkErrorCode(error)).toBe(code);
  });
});
