import type { SeedProject } from '../types';

/**
 * The seed guide's demo project (docs/background.md, "The guide this automates", step 6; the guide's section
 * "Demo CI/CD 실행하기"), from
 * github.com/rnlduaeo/GitlabOnASK java-demo-oct), `.gitlab-ci.yml` verbatim — comments and the odd kaniko
 * `--destination` with a space included, because that is what real repositories contain.
 */
export const JAVA_DEMO_CI = `cache:
  paths:
  - /cache
stages:
  - package
  - build
  - deploy
mvn_package_job:
  image: registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0
  stage: package
  script:
    - mvn clean package -DskipTests
    - cp -f target/demo.war /cache #nas volume(/cache에 마운트)에 war artifact를 저장합니다.
build_and_publish_docker_image_job:
  image: registry.cn-hangzhou.aliyuncs.com/eci/kaniko:1.0
  stage: build
  script:
    - mkdir target
    - cp /cache/demo.war target/demo.war
    - echo $CI_PIPELINE_ID
    - kaniko -f \`pwd\`/Dockerfile -c \`pwd\` --destination=gitlab-registry.ap-northeast-1.cr.aliyuncs.com/project1/ gitlab-repository:$CI_PIPELINE_ID # 전단계(mvn_package_job)에서 저장한 artifact 기반으로 docket image를 build하고(kaniko build를 사용) ACR에 push합니다. 
deploy_k8s_job:
  image: registry.cn-hangzhou.aliyuncs.com/eci/kubectl:1.0
  stage: deploy   
  script:
    - mkdir -p ~/.kube
    - echo $KUBE_CONFIG | base64 -d > ~/.kube/config  # gitlab CI/CD variables에 저장된 KUBE_CONFIG 를 사용하여 target server에 deploy합니다. 
    - sed -i "s/IMAGE_TAG/$CI_PIPELINE_ID/g" deployment.yaml
    - cat deployment.yaml
    - kubectl apply -f deployment.yaml
`;

export const javaDemo: SeedProject = {
  path: 'demo/java-demo',
  description: 'Java demo from the GitLab on ASK guide',
  files: {
    '.gitlab-ci.yml': JAVA_DEMO_CI,
    Dockerfile: 'FROM tomcat:9-jdk11\nCOPY target/demo.war /usr/local/tomcat/webapps/demo.war\n',
    'deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: java-demo\nspec:\n  replicas: 1\n  selector:\n    matchLabels: { app: java-demo }\n  template:\n    metadata:\n      labels: { app: java-demo }\n    spec:\n      containers:\n        - name: java-demo\n          image: gitlab-registry.ap-northeast-1.cr.aliyuncs.com/project1/gitlab-repository:IMAGE_TAG\n',
    'pom.xml': '<project><modelVersion>4.0.0</modelVersion><groupId>demo</groupId><artifactId>demo</artifactId><version>1.0</version><packaging>war</packaging></project>\n',
  },
  // KUBE_CONFIG as the guide stores it: base64 kubeconfig, a masked secret (never an image-name variable).
  variables: [{ key: 'KUBE_CONFIG', value: 'YXBpVmVyc2lvbjogdjEKa2luZDogQ29uZmlnCg==', masked: true }],
};

/** The infra project: desired state lives here; the reconcile work decides its files (pass them via `files`). */
export function infraProject(files: Record<string, string> = { 'README.md': '# infra\nDesired state for gitlab-ask-ops.\n' }): SeedProject {
  return { path: 'ops/infra', description: 'Desired state (infra/) for gitlab-ask-ops', files };
}
