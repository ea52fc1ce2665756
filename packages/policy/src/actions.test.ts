import {
  KEY_ADMIN_ACTIONS,
  KEY_CRYPTOGRAPHIC_ACTIONS,
  KEY_IMPORT_ACTIONS,
  KEY_USE_VIA_S3_ACTIONS,
  REPLICATION_DESTINATION_KEY_ACTIONS,
  REPLICATION_SOURCE_KEY_ACTIONS,
  actionMatches,
  cryptographicActionsIn,
} from "./actions";

describe("actionMatches", () => {
  it.each([
    ["kms:*", "kms:Decrypt"],
    ["kms:*", "kms:ReEncryptFrom"],
    ["kms:Re*", "kms:ReEncryptFrom"],
    ["kms:Re*", "kms:ReEncryptTo"],
    ["kms:Decrypt", "kms:Decrypt"],
    ["*", "s3:GetObject"],
    ["kms:Generate*", "kms:GenerateDataKeyWithoutPlaintext"],
    ["kms:Decryp?", "kms:Decrypt"],
    ["kms:*Key", "kms:GenerateDataKey"],
  ])("%s matches %s", (pattern, action) => {
    expect(actionMatches(pattern, action)).toBe(true);
  });

  it.each([
    ["kms:Re*", "kms:Decrypt"],
    ["kms:Decrypt", "kms:DecryptX"], // anchored at the end
    ["kms:Decrypt", "xkms:Decrypt"], // anchored at the start
    ["s3:*", "kms:Decrypt"],
    ["kms:Decryp?", "kms:Decryptt"], // ? is exactly one character
    ["kms:Generate*Pair", "kms:GenerateDataKey"],
  ])("%s does not match %s", (pattern, action) => {
    expect(actionMatches(pattern, action)).toBe(false);
  });

  it("is case-insensitive both ways", () => {
    expect(actionMatches("KMS:DECRYPT", "kms:Decrypt")).toBe(true);
    expect(actionMatches("kms:decrypt", "kms:Decrypt")).toBe(true);
    expect(actionMatches("kms:re*", "KMS:REENCRYPTFROM")).toBe(true);
  });

  it("treats regex metacharacters literally (no injection through '.' or '+')", () => {
    // As a regex, "kms:.*" would match everything; as an IAM pattern it needs a literal '.'.
    expect(actionMatches("kms:.*", "kms:Decrypt")).toBe(false);
    expect(actionMatches("kms:.*", "kms:.Decrypt")).toBe(true);
    expect(actionMatches("kms:Decrypt+", "kms:Decryptttt")).toBe(false);
    expect(actionMatches("kms:Decrypt+", "kms:Decrypt+")).toBe(true);
    expect(actionMatches("kms:D.crypt", "kms:Decrypt")).toBe(false);
    expect(actionMatches("kms:(Decrypt|Encrypt)", "kms:Decrypt")).toBe(false);
    expect(actionMatches("kms:[DE]ncrypt", "kms:Encrypt")).toBe(false);
    expect(actionMatches("kms:^Decrypt$", "kms:Decrypt")).toBe(false);
    expect(actionMatches("kms:Decrypt\\", "kms:Decrypt\\")).toBe(true);
  });

  it("does not throw on patterns that are invalid regular expressions", () => {
    expect(() => actionMatches("kms:(", "kms:(")).not.toThrow();
    expect(actionMatches("kms:(", "kms:(")).toBe(true);
    expect(actionMatches("kms:[", "kms:D")).toBe(false);
  });
});

describe("cryptographicActionsIn", () => {
  it("finds nothing in the admin actions", () => {
    expect(cryptographicActionsIn(KEY_ADMIN_ACTIONS)).toEqual([]);
    expect(cryptographicActionsIn([...KEY_ADMIN_ACTIONS, ...KEY_IMPORT_ACTIONS])).toEqual([]);
  });

  it("finds every cryptographic action in kms:* and in *", () => {
    expect(cryptographicActionsIn(["kms:*"])).toEqual([...KEY_CRYPTOGRAPHIC_ACTIONS]);
    expect(cryptographicActionsIn(["*"])).toEqual([...KEY_CRYPTOGRAPHIC_ACTIONS]);
  });

  it("expands a wildcard to the matching actions only", () => {
    expect(cryptographicActionsIn(["kms:Re*"])).toEqual(["kms:ReEncryptFrom", "kms:ReEncryptTo"]);
    expect(cryptographicActionsIn(["kms:Create*"])).toEqual(["kms:CreateGrant"]);
    expect(cryptographicActionsIn(["kms:*Mac"])).toEqual(["kms:GenerateMac", "kms:VerifyMac"]);
  });

  it("matches exact names case-insensitively and ignores other services", () => {
    expect(cryptographicActionsIn(["KMS:decrypt", "s3:GetObject", "kms:DescribeKey"])).toEqual(["kms:Decrypt"]);
    expect(cryptographicActionsIn([])).toEqual([]);
  });
});

describe("action tables", () => {
  it("admin and cryptographic actions are disjoint", () => {
    const crypto = new Set<string>(KEY_CRYPTOGRAPHIC_ACTIONS.map((a) => a.toLowerCase()));
    expect([...KEY_ADMIN_ACTIONS, ...KEY_IMPORT_ACTIONS].filter((a) => crypto.has(a.toLowerCase()))).toEqual([]);
  });

  it("no admin action is matched by any cryptographic action (nor the reverse)", () => {
    for (const admin of [...KEY_ADMIN_ACTIONS, ...KEY_IMPORT_ACTIONS]) {
      for (const crypto of KEY_CRYPTOGRAPHIC_ACTIONS) {
        expect([admin, crypto, actionMatches(crypto, admin)]).toEqual([admin, crypto, false]);
        expect([admin, crypto, actionMatches(admin, crypto)]).toEqual([admin, crypto, false]);
      }
    }
  });

  it("admin actions use no wildcards and exclude kms:CreateGrant", () => {
    for (const a of [...KEY_ADMIN_ACTIONS, ...KEY_IMPORT_ACTIONS]) expect(a).toMatch(/^kms:[A-Za-z]+$/);
    expect(KEY_ADMIN_ACTIONS).not.toContain("kms:CreateGrant");
    expect(KEY_CRYPTOGRAPHIC_ACTIONS).toContain("kms:CreateGrant");
  });

  it("every table is sorted and free of duplicates", () => {
    for (const table of [KEY_ADMIN_ACTIONS, KEY_IMPORT_ACTIONS, KEY_CRYPTOGRAPHIC_ACTIONS, KEY_USE_VIA_S3_ACTIONS]) {
      expect(new Set(table).size).toBe(table.length);
      expect([...table]).toEqual([...table].sort());
    }
  });

  it("the S3 and replication key actions are cryptographic actions", () => {
    expect(KEY_USE_VIA_S3_ACTIONS).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    for (const a of [...KEY_USE_VIA_S3_ACTIONS, ...REPLICATION_SOURCE_KEY_ACTIONS, ...REPLICATION_DESTINATION_KEY_ACTIONS]) {
      expect(KEY_CRYPTOGRAPHIC_ACTIONS).toContain(a);
    }
  });
});
