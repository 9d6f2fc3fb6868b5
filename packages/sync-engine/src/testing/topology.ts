/** Who syncs with whom in a simulated cluster. */

/** A cluster's shape: every pair (`mesh`), a chain (`line`), or everyone around peer 0 (`star`). */
export type Topology = "mesh" | "line" | "star";

/** The related pairs of `peers` peers in `topology`, each pair once, lower index first. */
export function edgesOf(topology: Topology, peers: number): [number, number][] {
  const edges: [number, number][] = [];
  for (let i = 0; i < peers; i++) {
    for (let j = i + 1; j < peers; j++) {
      if (topology === "mesh" || (topology === "line" && j === i + 1) || (topology === "star" && i === 0)) edges.push([i, j]);
    }
  }
  return edges;
}
