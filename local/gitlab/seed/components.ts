import type { SeedProject } from '../types';

/**
 * A CI/CD Catalog component project and a project that uses it (doc/ci/components/_index.md): released versions
 * (one a pre-release that `~latest` must skip), a single-file and a directory component whose local include stays in
 * the component project, `spec:inputs` with defaults, and `include:rules` on the consumer side. The component project
 * is internal, as catalog projects shared across groups usually are.
 */
const buildV1 = `spec:
  inputs:
    stage:
      default: build
    go_version:
      default: "1.22"
---
"go-build":
  stage: $[[ inputs.stage ]]
  image: golang:$[[ inputs.go_version ]]-alpine
  script: [go build ./...]
`;

const lintDir = {
  'templates/lint/template.yml': `spec:
  inputs:
    linter_version:
      default: v1.64.8
---
include:
  - local: templates/lint/base.yml
"go-lint":
  extends: .go-lint-base
  image: golangci/golangci-lint:$[[ inputs.linter_version ]]
  script: [golangci-lint run]
`,
  'templates/lint/base.yml': '.go-lint-base:\n  stage: test\n  allow_failure: true\n',
  'templates/lint/Dockerfile': 'FROM golangci/golangci-lint:v1.64.8\n',
};

const goComponents: SeedProject = {
  path: 'components/go',
  catalog: true,
  // Shared instance-wide like platform/ci-templates: any signed-in user may read it (ProjectPolicy
  // :public_user_access), so a consumer's token needs no membership in `components` to use the components.
  visibility: 'internal',
  description: 'Go build and lint components (CI/CD Catalog resource)',
  files: { 'README.md': '# Go components\n', 'templates/build.yml': buildV1.replace('"1.22"', '"1.24"'), ...lintDir },
  tags: {
    '1.0.0': { 'README.md': '# Go components\n', 'templates/build.yml': buildV1, ...lintDir },
    '1.1.0': { 'README.md': '# Go components\n', 'templates/build.yml': buildV1.replace('"1.22"', '"1.23"'), ...lintDir },
    '2.0.0-rc1': { 'README.md': '# Go components\n', 'templates/build.yml': buildV1.replace('"1.22"', '"1.25rc1"') },
  },
  releases: ['1.0.0', '1.1.0', '2.0.0-rc1'],
};

const goService: SeedProject = {
  path: 'platform/go-service',
  files: {
    '.gitlab-ci.yml': `include:
  - component: $CI_SERVER_FQDN/components/go/build@~latest
    inputs:
      stage: build
  - component: $CI_SERVER_FQDN/components/go/lint@1.0.0
  - local: ci/review.yml
    rules:
      - if: $CI_PIPELINE_SOURCE == "merge_request_event"
stages: [build, test, deploy]
test:
  stage: test
  image: golang:1.23
  services: [postgres:16-alpine]
  script: [go test ./...]
`,
    'ci/review.yml': 'review:\n  stage: deploy\n  image: alpine/helm:3.17\n  script: [helm upgrade --install review ./chart]\n',
    'go.mod': 'module example.com/go-service\n\ngo 1.23\n',
  },
};

/** Component projects for the sandbox (registered in `seededGitlabOptions`). */
export const componentProjects: SeedProject[] = [goComponents, goService];
