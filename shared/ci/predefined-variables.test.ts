import { describe, it, expect } from 'vitest';
import { predefinedVariables, refSlug } from './predefined-variables';

describe('predefinedVariables', () => {
  it('derives project, registry and dependency-proxy values', () => {
    const v = predefinedVariables({ projectPath: 'Platform/Team/My-App', defaultBranch: 'main', serverHost: 'gitlab.example.com', registry: 'registry.example.com', dependencyProxy: true });
    expect(v).toMatchObject({
      CI_PROJECT_PATH: 'Platform/Team/My-App',
      CI_PROJECT_NAMESPACE: 'Platform/Team',
      CI_PROJECT_NAME: 'My-App',
      CI_REGISTRY: 'registry.example.com',
      CI_REGISTRY_IMAGE: 'registry.example.com/platform/team/my-app',
      CI_DEFAULT_BRANCH: 'main',
      CI_COMMIT_REF_SLUG: 'main',
      CI_SERVER_HOST: 'gitlab.example.com',
      CI_TEMPLATE_REGISTRY_HOST: 'registry.gitlab.com',
      CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX: 'gitlab.example.com:443/Platform/dependency_proxy/containers',
      CI_DEPENDENCY_PROXY_DIRECT_GROUP_IMAGE_PREFIX: 'gitlab.example.com:443/Platform/Team/dependency_proxy/containers',
    });
    expect(v).not.toHaveProperty('CI_COMMIT_SHA');
  });
  it('leaves registry and proxy variables out when not configured', () => {
    const v = predefinedVariables({ projectPath: 'g/p', defaultBranch: 'main', serverHost: 'h' });
    expect(v).not.toHaveProperty('CI_REGISTRY_IMAGE');
    expect(v).not.toHaveProperty('CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX');
  });
  it('slugs refs like GitLab', () => {
    expect(refSlug('Feature/ABC_12.x')).toBe('feature-abc-12-x');
    expect(refSlug('-x-')).toBe('x');
    expect(refSlug('a'.repeat(70))).toHaveLength(63);
  });
});
