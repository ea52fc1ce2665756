/**
 * Validation rows: one row per configuration rule. A config that breaks the rule must fail with the
 * rule's message at the exact field path (and at no other field), and a config that keeps it must
 * pass. Each row mutates one field of a valid base environment. The catalog's own rows (fields of
 * every environment) and each blueprint's rows (blueprints.<name>) run through the same table.
 */
import { ConfigError, type ConfigProblem, type EnvironmentConfig, type EnvironmentSchema, parseEnvironment } from "@sse-kms/config";

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A raw environment.json, mutated freely by the rows. */
export type RawConfig = Record<string, any>;

/** A config that breaks one rule: the rule's message at `path`, and no problem elsewhere. */
export interface RejectRow {
  readonly rule: string;
  readonly mutate: (c: RawConfig) => unknown;
  readonly path: string;
  readonly message: string;
}

/** A config that keeps the rule: it parses; `check` may look at the parsed result. */
export interface AcceptRow<E extends EnvironmentConfig = EnvironmentConfig> {
  readonly rule: string;
  readonly mutate: (c: RawConfig) => unknown;
  readonly check?: (env: E) => void;
}

/** The problems of a config: [] when it is valid. Any error other than ConfigError is thrown. */
export function problemsOf<E extends EnvironmentConfig>(
  schema: EnvironmentSchema<E>,
  config: unknown,
): { problems: readonly ConfigProblem[]; error?: ConfigError; parsed?: E } {
  try {
    return { problems: [], parsed: parseEnvironment(schema, config, "environment.json") };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { problems: e.problems, error: e };
  }
}

/** Registers one jest test per row: the base is valid, each reject row fails as stated, each accept row passes. */
export function validationRows<E extends EnvironmentConfig>(options: {
  readonly schema: EnvironmentSchema<E>;
  /** A fresh valid base environment on every call. */
  readonly base: () => RawConfig;
  readonly rejects: readonly RejectRow[];
  readonly accepts: readonly AcceptRow<E>[];
}): void {
  const { schema, base, rejects, accepts } = options;
  const mutated = (mutate: (c: RawConfig) => unknown): RawConfig => {
    const c = base();
    mutate(c);
    return c;
  };

  test("the base config is valid", () => {
    expect(problemsOf(schema, base()).problems).toEqual([]);
  });

  describe.each(rejects)("rejects: $rule", ({ mutate, path, message }) => {
    test(`${path}: ${message.slice(0, 60)}`, () => {
      const { problems, error } = problemsOf(schema, mutated(mutate));
      expect(error).toBeInstanceOf(ConfigError);
      // The rule's message, at the exact field ...
      expect(problems).toContainEqual(expect.objectContaining({ path, message, source: "environment.json" }));
      // ... and nothing at any other field: the mutation broke this rule only.
      expect([...new Set(problems.map((p) => p.path))]).toEqual([path]);
      // One line per problem in the error message, naming file, field and rule.
      const lines = error!.message.split("\n");
      expect(lines).toHaveLength(problems.length);
      expect(lines.some((l) => l.startsWith(`environment.json: ${path}: ${message} (got `))).toBe(true);
    });
  });

  if (accepts.length > 0)
    test.each(accepts)("accepts: $rule", ({ mutate, check }) => {
      const { problems, parsed } = problemsOf(schema, mutated(mutate));
      expect(problems).toEqual([]);
      check?.(parsed!);
    });
}
