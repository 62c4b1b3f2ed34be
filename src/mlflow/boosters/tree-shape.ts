import { BoosterFormatError } from "./errors.js";

/**
 * Checks that a tree given as child arrays is a tree: from the root (node 0) every child index is a node
 * of the tree and no node is reached twice. A file that fails this (a child out of range, a cycle, a
 * shared subtree) would make evaluation read garbage or loop forever, so both formats check it at load.
 * `children(node)` answers null for a leaf; `where` names the tree in the error.
 */
export function checkTreeShape(
  nodeCount: number,
  children: (node: number) => readonly [number, number] | null,
  where: string,
): void {
  if (nodeCount < 1) throw new BoosterFormatError(`${where}: a tree with no nodes`);
  const seen = new Uint8Array(nodeCount);
  const stack = [0];
  seen[0] = 1;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const kids = children(node);
    if (kids === null) continue;
    for (const child of kids) {
      if (!Number.isInteger(child) || child < 0 || child >= nodeCount) {
        throw new BoosterFormatError(
          `${where}: node ${node} has child ${child}, outside the tree's ${nodeCount} nodes`,
        );
      }
      if (seen[child]) {
        throw new BoosterFormatError(
          `${where}: node ${child} is reached twice (a cycle or a shared subtree)`,
        );
      }
      seen[child] = 1;
      stack.push(child);
    }
  }
}
