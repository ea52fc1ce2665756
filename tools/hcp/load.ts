import { type Environment, synthEnvironment } from "@sse-kms/blueprint-catalog";
import type { BootstrapStack } from "./bootstrap";
import type { HcpConfig } from "./config";

/** The synthesized stacks of the configured environments (all of them by default), as the bootstrap reads them. */
export function bootstrapStacks(config: HcpConfig, environments: readonly Environment[]): BootstrapStack[] {
  const names = new Set(environments.map((e) => e.name));
  const unknown = (config.environments ?? []).filter((n) => !names.has(n));
  if (unknown.length > 0)
    throw new Error(`hcp.json: environments: no apps/<env>/environment.json named ${unknown.join(", ")} (known: ${[...names].sort().join(", ")})`);
  const chosen = config.environments ? environments.filter((e) => config.environments!.includes(e.name)) : environments;
  return chosen.flatMap((env) => {
    const backend = (env as { backend?: { type: string; organization?: string; hostname?: string; workspaces?: { name?: string; tags?: string[] } } }).backend;
    const cloud =
      backend?.type === "cloud" && backend.organization && backend.workspaces
        ? { organization: backend.organization, hostname: backend.hostname, workspaces: backend.workspaces }
        : undefined;
    return synthEnvironment(env).map((s) => ({ name: s.name, environment: env.name, blueprint: s.blueprint, json: s.json, ...(cloud ? { cloud } : {}) }));
  });
}
