import {
  type PolicyStatement,
  actionsOf,
  awsPrincipalsOf,
  canonicalPolicy,
  canonicalStatement,
  parsePolicy,
  statementLabel,
  policyDocument,
  renderPolicy,
} from "./document";

const A = "arn:aws:iam::111111111111:role/a";
const B = "arn:aws:iam::111111111111:role/b";
const C = "arn:aws:iam::222222222222:root";

/** Every permutation of a small list (for "same bytes whatever the input order"). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe("policyDocument", () => {
  it("keeps the statements as given, with Version and an optional Id", () => {
    const s1: PolicyStatement = { Sid: "One", Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
    const s2: PolicyStatement = { Sid: "Two", Effect: "Deny", Action: "s3:PutObject", Resource: "*" };
    expect(policyDocument([s1, s2])).toEqual({ Version: "2012-10-17", Statement: [s1, s2] });
    expect(Object.keys(policyDocument([s1]))).toEqual(["Version", "Statement"]);
    expect(policyDocument([s1], "my-id")).toEqual({ Version: "2012-10-17", Id: "my-id", Statement: [s1] });
  });

  it("rejects a duplicate Sid, naming it", () => {
    const s: PolicyStatement = { Sid: "Same", Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
    expect(() => policyDocument([s, { ...s, Effect: "Deny" }])).toThrow('duplicate policy statement Sid "Same"');
  });

  it("rejects a statement without a Sid (empty or missing)", () => {
    expect(() => policyDocument([{ Sid: "", Effect: "Allow", Action: "s3:GetObject" }])).toThrow(/without Sid/);
    const noSid = { Effect: "Allow", Action: "s3:GetObject" } as unknown as PolicyStatement;
    expect(() => policyDocument([noSid])).toThrow(/without Sid/);
  });

  it("renderPolicy and canonicalPolicy also reject duplicate Sids", () => {
    const s: PolicyStatement = { Sid: "X", Effect: "Allow", Action: "s3:GetObject" };
    const doc = { Version: "2012-10-17", Statement: [s, s] } as const;
    expect(() => canonicalPolicy(doc)).toThrow(/duplicate policy statement Sid "X"/);
    expect(() => renderPolicy(doc)).toThrow(/duplicate policy statement Sid "X"/);
  });
});

describe("canonicalStatement", () => {
  it("sorts and de-duplicates action, resource and principal lists", () => {
    const out = canonicalStatement({
      Sid: "S",
      Effect: "Allow",
      Principal: { AWS: [B, A, B] },
      Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:GenerateDataKey"],
      Resource: ["arn:aws:s3:::b/*", "arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    });
    expect(out.Principal).toEqual({ AWS: [A, B] });
    expect(out.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(out.Resource).toEqual(["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
  });

  it("collapses a single-element list (also after de-duplication) to a string", () => {
    const out = canonicalStatement({
      Sid: "S",
      Effect: "Allow",
      Principal: { AWS: [A, A] },
      Action: ["s3:GetObject"],
      Resource: ["*", "*"],
      Condition: { StringEquals: { "aws:PrincipalAccount": ["111111111111"] } },
    });
    expect(out.Principal).toEqual({ AWS: A });
    expect(out.Action).toBe("s3:GetObject");
    expect(out.Resource).toBe("*");
    expect(out.Condition).toEqual({ StringEquals: { "aws:PrincipalAccount": "111111111111" } });
  });

  it("sorts the principal types and keeps '*' as is", () => {
    const out = canonicalStatement({
      Sid: "S",
      Effect: "Allow",
      Principal: { Service: ["s3.amazonaws.com"], AWS: [C, A] },
      Action: "s3:GetObject",
    });
    expect(Object.keys(out.Principal as object)).toEqual(["AWS", "Service"]);
    expect(out.Principal).toEqual({ AWS: [A, C], Service: "s3.amazonaws.com" });
    expect(canonicalStatement({ Sid: "S", Effect: "Deny", Principal: "*", Action: "s3:*" }).Principal).toBe("*");
  });

  it("sorts condition operators and condition keys, and the values under them", () => {
    const out = canonicalStatement({
      Sid: "S",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Condition: {
        StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::z/*", "arn:aws:s3:::a"] },
        Bool: { "aws:SecureTransport": "true" },
        StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": "111111111111" },
      },
    });
    const cond = out.Condition as Record<string, Record<string, unknown>>;
    expect(Object.keys(cond)).toEqual(["Bool", "StringEquals", "StringLike"]);
    expect(Object.keys(cond.StringEquals!)).toEqual(["kms:CallerAccount", "kms:ViaService"]);
    expect(cond.StringLike!["kms:EncryptionContext:aws:s3:arn"]).toEqual(["arn:aws:s3:::a", "arn:aws:s3:::z/*"]);
  });

  it("writes fields in the order Sid, Effect, Principal, Action, Resource, Condition", () => {
    const out = canonicalStatement({
      Condition: { Bool: { "aws:SecureTransport": "false" } },
      Resource: "*",
      Action: "s3:*",
      Principal: "*",
      Effect: "Deny",
      Sid: "S",
    } as PolicyStatement);
    expect(Object.keys(out)).toEqual(["Sid", "Effect", "Principal", "Action", "Resource", "Condition"]);
  });

  it("places the Not* fields after their positive counterparts", () => {
    const out = canonicalStatement({
      NotResource: "arn:aws:s3:::x",
      NotAction: "s3:GetObject",
      NotPrincipal: { AWS: A },
      Effect: "Deny",
      Sid: "S",
    } as PolicyStatement);
    expect(Object.keys(out)).toEqual(["Sid", "Effect", "NotPrincipal", "NotAction", "NotResource"]);
  });

  it("omits absent fields and an empty Condition", () => {
    const out = canonicalStatement({ Sid: "S", Effect: "Allow", Action: "s3:GetObject", Condition: {} });
    expect(Object.keys(out)).toEqual(["Sid", "Effect", "Action"]);
  });

  it("does not mutate its input", () => {
    const input: PolicyStatement = { Sid: "S", Effect: "Allow", Action: ["b:B", "a:A"], Principal: { AWS: [B, A] } };
    const copy = JSON.parse(JSON.stringify(input));
    canonicalStatement(input);
    expect(input).toEqual(copy);
  });
});

describe("renderPolicy", () => {
  it("is compact JSON of the canonical document, statement order preserved", () => {
    const doc = policyDocument([
      { Sid: "Zeta", Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject"], Resource: "*" },
      { Sid: "Alpha", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" },
    ]);
    expect(renderPolicy(doc)).toBe(
      '{"Version":"2012-10-17","Statement":[' +
        '{"Sid":"Zeta","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"},' +
        '{"Sid":"Alpha","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}',
    );
  });

  it("keeps the document Id", () => {
    expect(JSON.parse(renderPolicy(policyDocument([{ Sid: "S", Effect: "Allow", Action: "s3:GetObject" }], "doc-1"))).Id).toBe("doc-1");
  });

  it("renders identical bytes for every permutation of lists, condition blocks and principal types", () => {
    const actions = ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"];
    const principals = [A, C, B];
    const contexts = ["arn:aws:s3:::b/*", "arn:aws:s3:::a", "arn:aws:s3:::a/*", "arn:aws:s3:::b"];
    const outputs = new Set<string>();
    const actionPerms = permutations(actions);
    const principalPerms = permutations(principals);
    const contextPerms = permutations(contexts);
    for (let i = 0; i < 24; i++) {
      const forward = i % 2 === 0;
      const stringEquals = forward
        ? { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": "111111111111" }
        : { "kms:CallerAccount": "111111111111", "kms:ViaService": "s3.eu-west-1.amazonaws.com" };
      const stringLike = { "kms:EncryptionContext:aws:s3:arn": contextPerms[(i * 7) % contextPerms.length]! };
      const principal = forward
        ? { AWS: principalPerms[i % principalPerms.length]!, Service: "s3.amazonaws.com" }
        : { Service: ["s3.amazonaws.com"], AWS: principalPerms[i % principalPerms.length]! };
      const statement: PolicyStatement = {
        Sid: "Use",
        Effect: "Allow",
        Principal: principal,
        Action: actionPerms[(i * 5) % actionPerms.length]!,
        Resource: "*",
        Condition: forward ? { StringEquals: stringEquals, StringLike: stringLike } : { StringLike: stringLike, StringEquals: stringEquals },
      };
      outputs.add(renderPolicy(policyDocument([statement])));
    }
    expect(outputs.size).toBe(1);
    const [only] = [...outputs];
    const parsed = JSON.parse(only!).Statement[0];
    expect(parsed.Action).toEqual(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]);
    expect(parsed.Principal.AWS).toEqual([A, B, C]);
  });

  it("keeps the given statement order (it is not sorted by Sid)", () => {
    const a: PolicyStatement = { Sid: "A", Effect: "Allow", Action: "s3:GetObject" };
    const b: PolicyStatement = { Sid: "B", Effect: "Allow", Action: "s3:GetObject" };
    const sids = (doc: string) => JSON.parse(doc).Statement.map((s: PolicyStatement) => s.Sid);
    expect(sids(renderPolicy(policyDocument([b, a])))).toEqual(["B", "A"]);
    expect(sids(renderPolicy(policyDocument([a, b])))).toEqual(["A", "B"]);
  });
});

describe("actionsOf / awsPrincipalsOf", () => {
  it("lists a statement's actions", () => {
    expect(actionsOf({ Sid: "S", Effect: "Allow" })).toEqual([]);
    expect(actionsOf({ Sid: "S", Effect: "Allow", Action: "kms:Decrypt" })).toEqual(["kms:Decrypt"]);
    expect(actionsOf({ Sid: "S", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt"] })).toEqual(["kms:Decrypt", "kms:Encrypt"]);
  });

  it("lists a statement's AWS principals", () => {
    expect(awsPrincipalsOf({ Sid: "S", Effect: "Allow" })).toEqual([]);
    expect(awsPrincipalsOf({ Sid: "S", Effect: "Allow", Principal: "*" })).toEqual(["*"]);
    expect(awsPrincipalsOf({ Sid: "S", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" } })).toEqual([]);
    expect(awsPrincipalsOf({ Sid: "S", Effect: "Allow", Principal: { AWS: A } })).toEqual([A]);
    expect(awsPrincipalsOf({ Sid: "S", Effect: "Allow", Principal: { AWS: [A, B] } })).toEqual([A, B]);
  });
});

describe("parsePolicy (the one parser of policy JSON)", () => {
  test("a document; a single statement becomes a list", () => {
    const one = parsePolicy('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}');
    expect(one).toEqual({ ok: true, document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] } });
  });

  test.each([
    ["jsonencode(...)", "${jsonencode({})}", /^the policy is not literal JSON \(.*got \$\{jsonencode\(\{\}\)\}\)$/],
    ["an array", "[]", /^the policy is not a JSON object$/],
    ["no Statement", '{"Version":"2012-10-17"}', /^the policy has no Statement$/],
    [
      "a statement without Effect",
      '{"Statement":[{"Effect":"Allow"},{"Action":"*"}]}',
      /^statement #2 of the policy needs Effect "Allow" or "Deny" \(got null\)$/,
    ],
    ["a statement that is not an object", '{"Statement":["Allow"]}', /^statement #1 of the policy needs Effect/],
  ])("%s is refused with the reason", (_what, json, reason) => {
    const parsed = parsePolicy(json);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe("reading statements parsed from JSON", () => {
  test("actionsOf keeps the string actions only; statementLabel names a statement by Sid or position", () => {
    const parsed = parsePolicy(
      '{"Statement":[{"Sid":"A","Effect":"Allow","Action":["kms:Decrypt",5,null]},{"Effect":"Deny","Action":"s3:*"},{"Effect":"Allow"}]}',
    );
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.document.Statement.map(actionsOf)).toEqual([["kms:Decrypt"], ["s3:*"], []]);
    expect(parsed.document.Statement.map(statementLabel)).toEqual(['"A"', "#2", "#3"]);
  });
});
