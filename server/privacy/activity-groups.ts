/**
 * Activity groups of one minute: teams linked through the seconds in which they were
 * active. Two teams are in the same group when a chain "team, second it was active in,
 * another team active in that second, …" connects them.
 *
 * Why groups matter: a manager who knows which teams were active when (a shift plan is
 * enough) can add up the shown seconds of one group and subtract the shown teams of that
 * group. Every suppression rule is therefore applied per group, not per minute.
 */

/** One group: indices into the minute's team list and second list. */
export interface ActivityGroup {
  readonly teams: readonly number[];
  readonly seconds: readonly number[];
}

/**
 * Splits teams and seconds into activity groups (union-find). A second nobody was active
 * in forms a group of its own with no team; groups come out in order of their first team.
 */
export function activityGroups(
  teamCount: number,
  secondCount: number,
  links: Iterable<readonly [teamIndex: number, secondIndex: number]>,
): ActivityGroup[] {
  // Nodes 0..teamCount-1 are teams, the rest seconds.
  const parent = Array.from({ length: teamCount + secondCount }, (_, node) => node);
  const root = (node: number): number => {
    let top = node;
    while (parent[top] !== top) top = parent[top]!;
    while (parent[node] !== top) {
      const next = parent[node]!;
      parent[node] = top;
      node = next;
    }
    return top;
  };
  for (const [teamIndex, secondIndex] of links) {
    const a = root(teamIndex);
    const b = root(teamCount + secondIndex);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const byRoot = new Map<number, { teams: number[]; seconds: number[] }>();
  const groupOf = (node: number) => {
    const key = root(node);
    let group = byRoot.get(key);
    if (!group) byRoot.set(key, (group = { teams: [], seconds: [] }));
    return group;
  };
  for (let team = 0; team < teamCount; team++) groupOf(team).teams.push(team);
  for (let second = 0; second < secondCount; second++) groupOf(teamCount + second).seconds.push(second);
  return [...byRoot.values()];
}
