/**
 * Instance CI templates, keyed by their path under GitLab's lib/gitlab/ci/templates without `.gitlab-ci.yml`,
 * shortened but keeping the image lines' shape (variables resolved from template variables). Three shapes as
 * GitLab serves them: top level (`Docker`), a category directory (`Pages/Jekyll`: listed and served by base name),
 * and nested include-only ones (`Security/SAST`: served by the global API as `SAST` only; `Jobs/Build`: not by the
 * global API at all, only through the project templates API and `include: template:`).
 */
export const seedTemplates: Record<string, string> = {
  'Security/SAST': `variables:
  SECURE_ANALYZERS_PREFIX: "$CI_TEMPLATE_REGISTRY_HOST/security-products"
  SAST_IMAGE_SUFFIX: ""
  SAST_EXCLUDED_PATHS: "spec, test, tests, tmp"
sast:
  stage: test
  artifacts:
    reports:
      sast: gl-sast-report.json
  script:
    - echo "$CI_JOB_NAME is used for configuration only, and its script should not be executed"
    - exit 1
.sast-analyzer:
  extends: sast
  allow_failure: true
  script:
    - /analyzer run
semgrep-sast:
  extends: .sast-analyzer
  image:
    name: "$SAST_ANALYZER_IMAGE"
  variables:
    SAST_ANALYZER_IMAGE_TAG: 5
    SAST_ANALYZER_IMAGE: "$SECURE_ANALYZERS_PREFIX/semgrep:$SAST_ANALYZER_IMAGE_TAG$SAST_IMAGE_SUFFIX"
`,
  Docker: `docker-build:
  image: docker:cli
  stage: build
  services:
    - docker:dind
  variables:
    DOCKER_IMAGE_NAME: $CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG
  before_script:
    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY
  script:
    - docker build --pull -t "$DOCKER_IMAGE_NAME" .
    - docker push "$DOCKER_IMAGE_NAME"
`,
  'Jobs/Build': `variables:
  AUTO_BUILD_IMAGE_VERSION: 'v4.6.0'
build:
  stage: build
  image: '\${CI_TEMPLATE_REGISTRY_HOST}/gitlab-org/cluster-integration/auto-build-image:\${AUTO_BUILD_IMAGE_VERSION}'
  variables:
    DOCKER_TLS_CERTDIR: ''
  services:
    - name: 'docker:20.10.12-dind'
      command: ['--tls=false', '--host=tcp://0.0.0.0:2375']
  script:
    - /build/build.sh
  rules:
    - if: '$BUILD_DISABLED'
      when: never
    - if: '$CI_COMMIT_TAG || $CI_COMMIT_BRANCH'
`,
  'Pages/Jekyll': `image: ruby:3.2
pages:
  stage: deploy
  script:
    - bundle exec jekyll build -d public
  artifacts:
    paths: [public]
`,
};
