/**
 * What the drill changes in the restored instance's gitlab.rb (appended: later settings win), so a throwaway copy of
 * production cannot act like it: no mail out or in, no Sidekiq (no jobs: webhooks, mirrors, schedules), plain http on
 * localhost, the Docker image's backup_path, no Let's Encrypt. Object storage and other integrations stay as
 * configured (UNCONFIRMED that nothing else acts without Sidekiq; docs/adr/0026).
 */
export const DRILL_GITLAB_RB = [
  "external_url 'http://localhost'",
  "gitlab_rails['gitlab_email_enabled'] = false",
  "gitlab_rails['incoming_email_enabled'] = false",
  "gitlab_rails['backup_path'] = '/var/opt/gitlab/backups'",
  "gitlab_rails['backup_upload_connection'] = nil",
  "sidekiq['enable'] = false",
  "letsencrypt['enable'] = false",
].join('; ');

/**
 * The counts the drill prints (`gitlab-rails runner`, one JSON line): the same tables GET /application/statistics
 * counts (lib/api/statistics.rb: Project, User, Group), and the HEAD commit of the `sample` most recently active
 * projects' default branches (Repository#commit with no ref = HEAD).
 */
export function countsRuby(sample: number): string {
  const n = Math.max(0, Math.floor(sample));
  return `r = Project.order(last_activity_at: :desc).limit(${n}).map { |p| c = (p.repository.commit rescue nil); { path: p.full_path, branch: p.default_branch, sha: c&.sha } }; puts({ projects: Project.count, users: User.count, groups: Group.count, repositories: r }.to_json)`;
}
