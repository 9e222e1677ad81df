import type { GitlabEmulatorOptions } from '../emulator';
import type { SeedProject } from '../types';
import { componentProjects } from './components';
import { infraProject, javaDemo } from './java-demo';
import { realWorldProjects, seedGroupVariables } from './real-world';
import { seedTemplates } from './templates';

export { componentProjects } from './components';
export { JAVA_DEMO_CI, infraProject, javaDemo } from './java-demo';
export { realWorldProjects, seedGroupVariables } from './real-world';
export { seedTemplates } from './templates';

/**
 * The default seeded instance: java-demo (id 1), ops/infra (id 2, files from `infraFiles`), then the real-world set.
 * @example startGitlabEmulator({ token, projects: seedProjects(), groupVariables: seedGroupVariables, templates: seedTemplates })
 */
export function seedProjects(infraFiles?: Record<string, string>): SeedProject[] {
  return [javaDemo, infraProject(infraFiles), ...realWorldProjects];
}

/**
 * Everything a seeded instance needs (the sandbox default): projects (plus the CI/CD component projects), group
 * variables and CI templates.
 * @example const gl = await startGitlabEmulator(seededGitlabOptions(token, infraFiles));
 */
export function seededGitlabOptions(token: string, infraFiles?: Record<string, string>): Pick<GitlabEmulatorOptions, 'token' | 'projects' | 'groupVariables' | 'templates'> {
  return { token, projects: [...seedProjects(infraFiles), ...componentProjects], groupVariables: seedGroupVariables, templates: seedTemplates };
}
