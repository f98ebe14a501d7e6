import type { Scenario } from "./scenario";
export function scaleScenario(_: { clusters: number; namespaces: number; pods: number }): Scenario { throw new Error("todo"); }
