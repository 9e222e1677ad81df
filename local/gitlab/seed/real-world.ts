import type { SeedProject, SeedVariable } from '../types';

/**
 * Real-world-style projects: the constructs image discovery has to survive — local and template includes, services
 * with aliases, variables in image names from file/project/group, `extends`, `!reference`, `parallel:matrix`, a
 * child pipeline, a cross-project include and a non-default `ci_config_path`.
 */

const webApp: SeedProject = {
  path: 'platform/web-app',
  files: {
    '.gitlab-ci.yml': `include:
  - local: ci/build.yml
  - local: /ci/test.yml
  - template: Security/SAST.gitlab-ci.yml
stages: [build, test, deploy]
default:
  image: node:20-alpine
  interruptible: true
deploy:
  stage: deploy
  image: bitnami/kubectl:1.30
  script: [kubectl apply -f k8s/]
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
`,
    'ci/build.yml': `build:
  stage: build
  script: [npm ci, npm run build]
  artifacts:
    paths: [dist/]
`,
    'ci/test.yml': `test:
  stage: test
  services:
    - name: postgres:15-alpine
      alias: db
    - redis:7
  variables:
    POSTGRES_PASSWORD: test
    DATABASE_URL: postgres://postgres:test@db:5432/postgres
  script: [npm test]
`,
    'package.json': '{ "name": "web-app", "private": true }\n',
  },
};

const apiService: SeedProject = {
  path: 'platform/api-service',
  files: {
    '.gitlab-ci.yml': `variables:
  GO_VERSION: "1.22"
.go-base:
  image: \${DOCKER_MIRROR}/library/golang:\${GO_VERSION}-alpine
  before_script:
    - go version
lint:
  extends: .go-base
  script: [go vet ./...]
unit:
  extends: .go-base
  services:
    - name: $BASE_REGISTRY/mocks/localstack:3
      alias: aws
  script: [go test ./...]
image-build:
  image: $BASE_REGISTRY/tools/kaniko-executor:v1.23.0-debug
  script:
    - /kaniko/executor --destination $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA
`,
    'go.mod': 'module example.com/api-service\n\ngo 1.22\n',
  },
  variables: [
    { key: 'BASE_REGISTRY', value: 'registry.example.com' },
    { key: 'REGISTRY_PASSWORD', value: 'hunter2-not-real', masked: true, protected: true },
    { key: 'KUBECONFIG_FILE', value: 'apiVersion: v1\nkind: Config\n', variable_type: 'file' },
    { key: 'DEPLOY_HOST', value: 'prod.internal', environment_scope: 'production' },
  ],
};

const etlJobs: SeedProject = {
  path: 'data/etl-jobs',
  files: {
    '.gitlab-ci.yml': `default:
  image: python:3.12-slim
.setup:
  before_script:
    - pip install -r requirements.txt
test:
  parallel:
    matrix:
      - PYTHON: ["3.10", "3.11", "3.12"]
        DB: [postgres]
      - PYTHON: ["3.12"]
        DB: [mysql]
  image: python:$PYTHON-slim
  services:
    - name: $DB:latest
  before_script:
    - !reference [.setup, before_script]
  script: [pytest]
spark-jobs:
  trigger:
    include: ci/spark.yml
    strategy: depend
`,
    'ci/spark.yml': `spark-submit:
  image: apache/spark:3.5.1
  script: [spark-submit jobs/main.py]
`,
    'requirements.txt': 'pytest\n',
  },
};

// Shared CI templates are usually internal: every signed-in user may include them.
const ciTemplates: SeedProject = {
  path: 'platform/ci-templates',
  visibility: 'internal',
  files: {
    'templates/android.yml': `.android:
  image: cimg/android:2024.01
  before_script:
    - sdkmanager --list
`,
  },
};

const androidApp: SeedProject = {
  path: 'mobile/android-app',
  ciConfigPath: 'ci/pipeline.yml',
  files: {
    'ci/pipeline.yml': `include:
  - project: platform/ci-templates
    ref: main
    file: templates/android.yml
assemble:
  extends: .android
  script: [./gradlew assembleRelease]
`,
  },
};

/** Projects that must not show up as active ones. */
const inactive: SeedProject[] = [
  { path: 'legacy/old-monolith', archived: true, files: { '.gitlab-ci.yml': 'build:\n  image: ruby:2.7\n  script: [rake]\n' } },
  { path: 'team/handbook', repositoryDisabled: true },
];

export const realWorldProjects: SeedProject[] = [webApp, apiService, etlJobs, ciTemplates, androidApp, ...inactive];

/** Group variables: inherited by every project below the group (platform/api-service uses DOCKER_MIRROR). */
export const seedGroupVariables: Record<string, SeedVariable[]> = {
  platform: [
    { key: 'DOCKER_MIRROR', value: 'mirror.example.com/dockerhub' },
    { key: 'GO_VERSION', value: '1.21' },
    { key: 'NPM_TOKEN', value: 'npm_not_real', masked: true },
  ],
};
