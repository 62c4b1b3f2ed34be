import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP server laid out like the Hugging Face hub's API: `/api/models/{repo}/revision/{rev}`
 * gives the commit sha and file list, `/{repo}/resolve/{sha}/{file}` the bytes. Repos may require a
 * token, and a file may be marked to break mid-transfer.
 */
export interface HubRepo {
  sha: string;
  files: Record<string, Buffer>;
  token?: string;
  /** files whose transfer is cut after half the bytes */
  broken?: string[];
}

export async function startHub(
  repos: Record<string, HubRepo>,
): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? "");
    hits.push(url);
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(url);
    const file = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url);
    const repoName = api?.[1] ?? file?.[1];
    const repo = repoName ? repos[repoName] : undefined;
    if (!repo) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Repository not found"}');
      return;
    }
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"Invalid credentials"}');
      return;
    }
    if (api) {
      const body = JSON.stringify({
        id: repoName,
        sha: repo.sha,
        siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })),
      });
      res.writeHead(200, { "content-type": "application/json" }).end(body);
      return;
    }
    const bytes = file && file[2] === repo.sha ? repo.files[file[3]] : undefined;
    if (!bytes) {
      res.writeHead(404).end("Entry not found");
      return;
    }
    res.writeHead(200, { "content-length": bytes.length, "x-repo-commit": repo.sha });
    if (repo.broken?.includes(file![3])) {
      res.write(bytes.subarray(0, bytes.length >> 1));
      res.socket?.destroy();
      return;
    }
    res.end(bytes);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, hits };
}
