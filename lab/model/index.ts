/** The lab's model: scenarios, the computed mesh and the World that lab/kube serves. */
export { loadScenario, parseScenario, withIstioVersion, type Scenario, type ScenarioInput } from './scenario';
export { createWorld, type LabWorld, type WorldOptions, WATCH_HISTORY } from './create-world';
export { scaleScenario } from './scale';
